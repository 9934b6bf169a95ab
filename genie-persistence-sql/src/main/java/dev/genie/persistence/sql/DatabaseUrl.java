package dev.genie.persistence.sql;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the database is and who to log in as, from the forms users copy from their providers:
 * {@code postgres://user:pass@host:port/db?params}, {@code postgresql://…}, or a {@code
 * jdbc:postgresql://…} URL. The password never appears in {@link #toString()} or an error.
 */
public final class DatabaseUrl {
  private static final String EXAMPLE = "postgres://user:password@127.0.0.1:5432/genie";

  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final String password;
  private final Map<String, String> parameters;

  private DatabaseUrl(
      String host,
      int port,
      String database,
      String user,
      String password,
      Map<String, String> parameters) {
    this.host = host;
    this.port = port;
    this.database = database;
    this.user = user;
    this.password = password;
    this.parameters = Map.copyOf(parameters);
  }

  /**
   * @throws IllegalArgumentException naming what is wrong, without echoing a password
   */
  public static DatabaseUrl parse(String url) {
    if (url == null || url.isBlank()) {
      throw malformed("it is empty");
    }
    String trimmed = url.strip();
    String rest;
    if (trimmed.startsWith("jdbc:postgresql://")) {
      rest = trimmed.substring("jdbc:postgresql://".length());
    } else if (trimmed.startsWith("postgres://")) {
      rest = trimmed.substring("postgres://".length());
    } else if (trimmed.startsWith("postgresql://")) {
      rest = trimmed.substring("postgresql://".length());
    } else {
      throw malformed("it must start with postgres://, postgresql:// or jdbc:postgresql://");
    }
    URI uri;
    try {
      uri = new URI("postgres://" + rest);
    } catch (URISyntaxException e) {
      throw malformed("it is not a valid URL (" + e.getReason() + ")");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw malformed("it names no host");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = uri.getPort() == -1 ? 5432 : uri.getPort();
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String database = decode(path.startsWith("/") ? path.substring(1) : path);
    if (database.isEmpty()) {
      throw malformed("it names no database (the path after the port)");
    }
    if (database.contains("/")) {
      throw malformed("the database name must not contain '/'");
    }
    Map<String, String> parameters = queryParameters(uri.getRawQuery());
    String user = parameters.remove("user");
    String password = parameters.remove("password");
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      if (colon >= 0) {
        password = decode(userInfo.substring(colon + 1));
      }
    }
    if (user == null || user.isEmpty()) {
      throw malformed("it names no user (postgres://USER:password@host/db)");
    }
    return new DatabaseUrl(host, port, database, user, password, parameters);
  }

  /** The JDBC URL without credentials; they travel separately. */
  public String jdbcUrl() {
    StringBuilder url = new StringBuilder("jdbc:postgresql://");
    url.append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port);
    url.append('/').append(encode(database));
    String separator = "?";
    for (Map.Entry<String, String> p : parameters.entrySet()) {
      url.append(separator).append(encode(p.getKey())).append('=').append(encode(p.getValue()));
      separator = "&";
    }
    return url.toString();
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public String database() {
    return database;
  }

  public String user() {
    return user;
  }

  public Optional<String> password() {
    return Optional.ofNullable(password);
  }

  /** Driver parameters from the query string, without user and password. */
  public Map<String, String> parameters() {
    return parameters;
  }

  /** A copy that points at another database on the same server. */
  public DatabaseUrl withDatabase(String otherDatabase) {
    return new DatabaseUrl(host, port, otherDatabase, user, password, parameters);
  }

  /** {@code postgres://user:***@host:port/db}: safe to log. */
  public String redacted() {
    String hostPart = host.contains(":") ? "[" + host + "]" : host;
    return "postgres://"
        + user
        + (password == null ? "" : ":***")
        + "@"
        + hostPart
        + ":"
        + port
        + "/"
        + database;
  }

  @Override
  public String toString() {
    return redacted();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DatabaseUrl other
        && host.equals(other.host)
        && port == other.port
        && database.equals(other.database)
        && user.equals(other.user)
        && Objects.equals(password, other.password)
        && parameters.equals(other.parameters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(host, port, database, user);
  }

  private static Map<String, String> queryParameters(String rawQuery) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return parameters;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      parameters.put(key, value);
    }
    return parameters;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw malformed("it has a broken %-escape");
    }
  }

  private static String encode(String text) {
    return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static IllegalArgumentException malformed(String why) {
    return new IllegalArgumentException(
        "DATABASE_URL is malformed: " + why + "; expected the form " + EXAMPLE);
  }
}
