package dev.genie.persistence.sql;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the database is and who to log in as, from the forms users copy from their providers:
 * {@code postgres://user:pass@host:port/db?params}, {@code postgresql://…}, or a {@code
 * jdbc:postgresql://…} URL. Several hosts ({@code postgres://user@h1:5432,h2:5432/db}) name the
 * members of a replicated cluster: Genie then connects to whichever is the primary. The password
 * never appears in {@link #toString()} or an error.
 */
public final class DatabaseUrl {
  private static final String EXAMPLE = "postgres://user:password@127.0.0.1:5432/genie";

  /** pgjdbc's parameter that picks the primary among several hosts. */
  static final String TARGET_SERVER_TYPE = "targetServerType";

  /** One host of the URL. */
  public record Server(String host, int port) {
    /** {@code host:port}, with brackets around an IPv6 address. */
    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  private final List<Server> servers;
  private final String database;
  private final String user;
  private final String password;
  private final Map<String, String> parameters;

  private DatabaseUrl(
      List<Server> servers,
      String database,
      String user,
      String password,
      Map<String, String> parameters) {
    this.servers = List.copyOf(servers);
    this.database = database;
    this.user = user;
    this.password = password;
    this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
  }

  /**
   * Reads {@code url} as the value of {@code SqlStoreSettings.url}.
   *
   * @throws IllegalArgumentException naming what is wrong, without echoing a password
   */
  public static DatabaseUrl parse(String url) {
    return parse("SqlStoreSettings.url", url);
  }

  /**
   * Reads {@code url} as the value of the setting or environment key {@code key}, which errors
   * name.
   *
   * @throws IllegalArgumentException naming what is wrong, without echoing a password
   */
  public static DatabaseUrl parse(String key, String url) {
    if (url == null || url.isBlank()) {
      throw malformed(key, "it is empty");
    }
    String trimmed = url.strip();
    String rest = null;
    for (String scheme : List.of("jdbc:postgresql://", "postgres://", "postgresql://")) {
      if (trimmed.startsWith(scheme)) {
        rest = trimmed.substring(scheme.length());
      }
    }
    if (rest == null) {
      throw malformed(key, "it must start with postgres://, postgresql:// or jdbc:postgresql://");
    }
    int queryStart = rest.indexOf('?');
    String rawQuery = queryStart < 0 ? null : rest.substring(queryStart + 1);
    String beforeQuery = queryStart < 0 ? rest : rest.substring(0, queryStart);
    int at = beforeQuery.lastIndexOf('@');
    String rawUserInfo = at < 0 ? null : beforeQuery.substring(0, at);
    String afterUserInfo = beforeQuery.substring(at + 1);
    int slash = afterUserInfo.indexOf('/');
    String hostList = slash < 0 ? afterUserInfo : afterUserInfo.substring(0, slash);
    String path = slash < 0 ? "" : afterUserInfo.substring(slash + 1);
    List<Server> servers = new ArrayList<>();
    for (String hostPort : hostList.split(",", -1)) {
      servers.add(server(key, hostPort));
    }
    if (path.chars().anyMatch(c -> c <= ' ')) {
      throw malformed(key, "it is not a valid URL (white space in the database name)");
    }
    String database = decode(key, path);
    if (database.isEmpty()) {
      throw malformed(key, "it names no database (the path after the port)");
    }
    if (database.contains("/")) {
      throw malformed(key, "the database name must not contain '/'");
    }
    Map<String, String> parameters = queryParameters(key, rawQuery);
    String user = parameters.remove("user");
    String password = parameters.remove("password");
    if (rawUserInfo != null) {
      if (rawUserInfo.chars().anyMatch(c -> c <= ' ')) {
        throw malformed(key, "it is not a valid URL (white space in the user or password)");
      }
      int colon = rawUserInfo.indexOf(':');
      user = decode(key, colon < 0 ? rawUserInfo : rawUserInfo.substring(0, colon));
      if (colon >= 0) {
        password = decode(key, rawUserInfo.substring(colon + 1));
      }
    }
    if (user == null || user.isEmpty()) {
      throw malformed(key, "it names no user (postgres://USER:password@host/db)");
    }
    if (servers.size() > 1) {
      parameters.putIfAbsent(TARGET_SERVER_TYPE, "primary");
    }
    return new DatabaseUrl(servers, database, user, password, parameters);
  }

  /** The JDBC URL without credentials; they travel separately. */
  public String jdbcUrl() {
    StringBuilder url = new StringBuilder("jdbc:postgresql://");
    url.append(String.join(",", servers.stream().map(Server::toString).toList()));
    url.append('/').append(encode(database));
    String separator = "?";
    for (Map.Entry<String, String> p : parameters.entrySet()) {
      url.append(separator).append(encode(p.getKey())).append('=').append(encode(p.getValue()));
      separator = "&";
    }
    return url.toString();
  }

  /** The hosts in the order they are tried; one for a single server. */
  public List<Server> servers() {
    return servers;
  }

  /** Whether several hosts are named: members of a cluster, of which Genie uses the primary. */
  public boolean severalHosts() {
    return servers.size() > 1;
  }

  /** The first host. */
  public String host() {
    return servers.get(0).host();
  }

  /** The first host's port. */
  public int port() {
    return servers.get(0).port();
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

  /**
   * Driver parameters from the query string, without user and password; with several hosts, {@code
   * targetServerType=primary} unless the URL says otherwise.
   */
  public Map<String, String> parameters() {
    return parameters;
  }

  /** A copy that points at another database on the same server. */
  public DatabaseUrl withDatabase(String otherDatabase) {
    return new DatabaseUrl(servers, otherDatabase, user, password, parameters);
  }

  /** {@code postgres://user:***@host:port/db}: safe to log. */
  public String redacted() {
    return "postgres://"
        + user
        + (password == null ? "" : ":***")
        + "@"
        + String.join(",", servers.stream().map(Server::toString).toList())
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
        && servers.equals(other.servers)
        && database.equals(other.database)
        && user.equals(other.user)
        && Objects.equals(password, other.password)
        && parameters.equals(other.parameters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(servers, database, user);
  }

  private static Server server(String key, String hostPort) {
    if (hostPort.isEmpty()) {
      throw malformed(key, "it names no host");
    }
    URI uri;
    try {
      uri = new URI("postgres://" + hostPort + "/");
    } catch (URISyntaxException e) {
      throw malformed(key, "it is not a valid URL (" + e.getReason() + ")");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty() || uri.getRawUserInfo() != null) {
      throw malformed(key, "it names no host, or a host that is not valid");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new Server(host, uri.getPort() == -1 ? 5432 : uri.getPort());
  }

  private static Map<String, String> queryParameters(String key, String rawQuery) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return parameters;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(key, eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(key, pair.substring(eq + 1));
      parameters.put(name, value);
    }
    return parameters;
  }

  private static String decode(String key, String text) {
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw malformed(key, "it has a broken %-escape");
    }
  }

  private static String encode(String text) {
    return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static IllegalArgumentException malformed(String key, String why) {
    return new IllegalArgumentException(
        key + " is malformed: " + why + "; expected the form " + EXAMPLE);
  }
}
