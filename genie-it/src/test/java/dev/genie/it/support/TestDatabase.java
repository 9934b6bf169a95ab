package dev.genie.it.support;

import dev.genie.persistence.sql.DatabaseUrl;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * A database on the run's server: one that {@link PostgresServer} created and drops at the end, or
 * the server's admin database. {@link #toString()} never shows the password; {@link #databaseUrl()}
 * and {@link #password()} do, for handing to Genie.
 */
public final class TestDatabase {
  private final DatabaseUrl url;

  TestDatabase(DatabaseUrl url) {
    this.url = url;
  }

  public String name() {
    return url.database();
  }

  /** {@code host:port}. */
  public String server() {
    return url.host().contains(":")
        ? "[" + url.host() + "]:" + url.port()
        : url.host() + ":" + url.port();
  }

  /** {@code postgres://user:pass@host:port/name}, the value for Genie's DATABASE_URL. */
  public String databaseUrl() {
    return databaseUrl(url.user(), url.password().orElse(""));
  }

  /** The DATABASE_URL for another login to this database. */
  public String databaseUrl(String user, String password) {
    String login = encode(user) + (password.isEmpty() ? "" : ":" + encode(password));
    return "postgres://" + login + "@" + server() + "/" + encode(url.database()) + query();
  }

  /** {@code jdbc:postgresql://host:port/name}, without credentials. */
  public String jdbcUrl() {
    return url.jdbcUrl();
  }

  public String user() {
    return url.user();
  }

  /** The password, empty when the server needs none. */
  public String password() {
    return url.password().orElse("");
  }

  /** A new plain JDBC connection, for checks that must not go through Genie. */
  public Connection connect() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", url.user());
    url.password().ifPresent(password -> properties.setProperty("password", password));
    properties.setProperty("ApplicationName", "genie-it");
    properties.setProperty("connectTimeout", "10");
    return DriverManager.getConnection(url.jdbcUrl(), properties);
  }

  /** The one number {@code query} selects, read through plain JDBC. */
  public long number(String query) throws SQLException {
    try (Connection connection = connect();
        ResultSet row = connection.createStatement().executeQuery(query)) {
      if (!row.next()) {
        throw new AssertionError("no row from " + query);
      }
      return row.getLong(1);
    }
  }

  /**
   * Waits up to {@code patience} until a session of this database waits for a lock: a statement the
   * test ran on another session has reached the row it holds.
   */
  public void awaitLockWait(Duration patience) throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    try (Connection connection = connect();
        PreparedStatement waiting =
            connection.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND wait_event_type ="
                    + " 'Lock'")) {
      waiting.setString(1, name());
      while (System.nanoTime() < deadline) {
        try (ResultSet row = waiting.executeQuery()) {
          row.next();
          if (row.getInt(1) > 0) {
            return;
          }
        }
        Thread.sleep(5);
      }
    }
    throw new AssertionError("no session of " + name() + " waited for a lock within " + patience);
  }

  /** The same server and login, another database. */
  TestDatabase withName(String name) {
    return new TestDatabase(url.withDatabase(name));
  }

  /** Whether the server is on this machine; host names other than localhost are not resolved. */
  boolean isLoopback() {
    String host = url.host();
    return host.equalsIgnoreCase("localhost")
        || host.equals("::1")
        || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }

  @Override
  public String toString() {
    return url.redacted();
  }

  private String query() {
    StringBuilder query = new StringBuilder();
    url.parameters()
        .forEach(
            (key, value) ->
                query
                    .append(query.length() == 0 ? '?' : '&')
                    .append(encode(key))
                    .append('=')
                    .append(encode(value)));
    return query.toString();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
