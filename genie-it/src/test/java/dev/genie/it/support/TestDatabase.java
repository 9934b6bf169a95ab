package dev.genie.it.support;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A database that {@link PostgresServer} created for this run and drops at its end. {@link
 * #toString()} never shows the password; {@link #databaseUrl()} and {@link #password()} do, for
 * handing to Genie.
 */
public final class TestDatabase {
  private final DatabaseUrl url;

  TestDatabase(DatabaseUrl url) {
    this.url = url;
  }

  public String name() {
    return url.database();
  }

  /** {@code postgres://user:pass@host:port/name}, the value for Genie's DATABASE_URL. */
  public String databaseUrl() {
    return url.postgresUrl();
  }

  /**
   * The DATABASE_URL for another login to this database: {@code
   * postgres://user:pass@host:port/name}.
   */
  public String databaseUrl(String otherUser, String otherPassword) {
    return url.withLogin(otherUser, otherPassword).postgresUrl();
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
    return url.password();
  }

  /** A new plain JDBC connection, for checks that must not go through Genie. */
  public Connection connect() throws SQLException {
    return url.connect();
  }

  @Override
  public String toString() {
    return url.redacted();
  }
}
