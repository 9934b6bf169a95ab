package dev.genie.it.support;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Where one PostgreSQL database is and how to log in, parsed from a {@code postgres://}, {@code
 * postgresql://} or {@code jdbc:postgresql://} URL. {@link #toString()} never shows the password.
 *
 * @param host host name or IP literal, without brackets
 * @param port TCP port, 5432 when the URL has none
 * @param database database name, {@code postgres} when the URL has none
 * @param user login role
 * @param password password, empty when none
 * @param params the URL's other query parameters, still encoded, without {@code ?}; may be empty
 */
record DatabaseUrl(
    String host, int port, String database, String user, String password, String params) {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  /** Parses a URL in any of the accepted forms; the exception message never shows the password. */
  static DatabaseUrl parse(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    String rest;
    boolean jdbc = lower.startsWith("jdbc:postgresql://");
    if (jdbc) {
      rest = url.substring("jdbc:postgresql://".length());
    } else if (lower.startsWith("postgresql://")) {
      rest = url.substring("postgresql://".length());
    } else if (lower.startsWith("postgres://")) {
      rest = url.substring("postgres://".length());
    } else {
      throw malformed(
          url, "it starts with neither postgres://, postgresql:// nor jdbc:postgresql://");
    }
    int queryStart = rest.indexOf('?');
    String query = queryStart < 0 ? "" : rest.substring(queryStart + 1);
    String beforeQuery = queryStart < 0 ? rest : rest.substring(0, queryStart);
    // The last '@' ends the user info, so a password may contain '@' or '/' unencoded.
    int at = beforeQuery.lastIndexOf('@');
    String userInfo = at < 0 ? "" : beforeQuery.substring(0, at);
    String hostAndPath = beforeQuery.substring(at + 1);
    int slash = hostAndPath.indexOf('/');
    String hostPort = slash < 0 ? hostAndPath : hostAndPath.substring(0, slash);
    String path = slash < 0 ? "" : percentDecode(hostAndPath.substring(slash + 1));

    String user = "";
    String password = "";
    if (!userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      user = percentDecode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? "" : percentDecode(userInfo.substring(colon + 1));
    }
    List<String> kept = new ArrayList<>();
    for (String param : query.split("&")) {
      if (param.isEmpty()) {
        continue;
      }
      int eq = param.indexOf('=');
      String name = eq < 0 ? param : param.substring(0, eq);
      String value =
          eq < 0 ? "" : URLDecoder.decode(param.substring(eq + 1), StandardCharsets.UTF_8);
      if (name.equals("user")) {
        user = value;
      } else if (name.equals("password")) {
        password = value;
      } else {
        kept.add(param);
      }
    }

    if (hostPort.isEmpty()) {
      throw malformed(url, "it names no host");
    }
    if (hostPort.contains(",")) {
      throw malformed(url, "it names several hosts; give exactly one");
    }
    String host;
    String portText;
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close < 0) {
        throw malformed(url, "its IPv6 host has no closing ']'");
      }
      host = hostPort.substring(1, close);
      String afterHost = hostPort.substring(close + 1);
      if (!afterHost.isEmpty() && !afterHost.startsWith(":")) {
        throw malformed(url, "unexpected text after the IPv6 host");
      }
      portText = afterHost.isEmpty() ? "" : afterHost.substring(1);
    } else {
      int colon = hostPort.lastIndexOf(':');
      host = colon < 0 ? hostPort : hostPort.substring(0, colon);
      portText = colon < 0 ? "" : hostPort.substring(colon + 1);
    }
    int port = portText.isEmpty() ? 5432 : parsePort(url, portText);
    if (user.isEmpty()) {
      throw malformed(url, "it names no user; write postgres://user:pass@host:port/db");
    }
    String database = path.isEmpty() ? "postgres" : path;
    return new DatabaseUrl(host, port, database, user, password, String.join("&", kept));
  }

  /** The same server and login with another database. */
  DatabaseUrl withDatabase(String name) {
    return new DatabaseUrl(host, port, name, user, password, params);
  }

  /** The same server and database with another login. */
  DatabaseUrl withLogin(String otherUser, String otherPassword) {
    return new DatabaseUrl(host, port, database, otherUser, otherPassword, params);
  }

  /** {@code postgres://user:pass@host:port/db?params}: the form Genie reads from DATABASE_URL. */
  String postgresUrl() {
    String login = percentEncode(user) + (password.isEmpty() ? "" : ":" + percentEncode(password));
    return "postgres://" + login + "@" + hostAndPort() + "/" + percentEncode(database) + query();
  }

  /** {@code jdbc:postgresql://host:port/db?params}, without credentials. */
  String jdbcUrl() {
    return "jdbc:postgresql://" + hostAndPort() + "/" + percentEncode(database) + query();
  }

  Connection connect() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    if (!password.isEmpty()) {
      properties.setProperty("password", password);
    }
    properties.setProperty("ApplicationName", "genie-it");
    properties.setProperty("connectTimeout", "10");
    return DriverManager.getConnection(jdbcUrl(), properties);
  }

  /**
   * Whether the host is this machine: {@code localhost} or a loopback IP literal. Other names are
   * not resolved, so a name that happens to point at 127.0.0.1 still counts as remote.
   */
  boolean isLoopback() {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!IPV4.matcher(host).matches() && !host.contains(":")) {
      return false;
    }
    try {
      // An IP literal is parsed, never looked up.
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** The URL as {@link #postgresUrl()} with the password shown as {@code ***}. */
  String redacted() {
    String login = percentEncode(user) + (password.isEmpty() ? "" : ":***");
    return "postgres://" + login + "@" + hostAndPort() + "/" + percentEncode(database) + query();
  }

  @Override
  public String toString() {
    return redacted();
  }

  /** Hides anything that looks like a password in a URL that could not be parsed. */
  static String redact(String url) {
    return url.replaceAll("(://[^:/@?]*:).*@", "$1***@")
        .replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  String hostAndPort() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  private String query() {
    return params.isEmpty() ? "" : "?" + params;
  }

  private static int parsePort(String url, String text) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw malformed(url, "its port '" + text + "' is not a number between 1 and 65535");
  }

  private static IllegalArgumentException malformed(String url, String why) {
    return new IllegalArgumentException(
        "DATABASE_URL '"
            + redact(url)
            + "' is not a PostgreSQL URL: "
            + why
            + " (accepted: postgres://user:pass@host:port/db, postgresql://…, "
            + "jdbc:postgresql://host:port/db?user=…&password=…)");
  }

  /** RFC 3986 decoding: unlike URLDecoder, '+' stays '+'. */
  private static String percentDecode(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int i = 0;
    while (i < text.length()) {
      if (text.charAt(i) == '%'
          && i + 2 < text.length()
          && isHex(text.charAt(i + 1))
          && isHex(text.charAt(i + 2))) {
        bytes.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
        i += 3;
      } else {
        int end = text.indexOf('%', i + 1);
        end = end < 0 ? text.length() : end;
        bytes.writeBytes(text.substring(i, end).getBytes(StandardCharsets.UTF_8));
        i = end;
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static boolean isHex(char c) {
    return Character.digit(c, 16) >= 0;
  }

  private static String percentEncode(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }
}
