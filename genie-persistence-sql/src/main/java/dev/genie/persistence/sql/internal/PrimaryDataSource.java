package dev.genie.persistence.sql.internal;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.Driver;

/**
 * Opens the pool's connections, and keeps trying for up to the connection timeout while no server
 * accepts: a primary that is restarting, or a standby not promoted yet. HikariCP backs off for up
 * to five seconds between failed attempts to add a connection; an attempt that waits here instead
 * connects within {@link #RETRY_EVERY} of the primary's return.
 */
final class PrimaryDataSource implements DataSource {
  static final Duration RETRY_EVERY = Duration.ofMillis(100);

  /**
   * Unable to connect (refused, or no host is the primary yet), connection failure, and the server
   * starting up or shutting down; not a protocol error, as from a pooler refusing a parameter.
   */
  private static final Set<String> NOT_YET = Set.of("08001", "08006", "57P03");

  private final Driver driver = new Driver();
  private final String jdbcUrl;
  private final Properties properties;
  private final Duration patience;
  private volatile int loginTimeoutSeconds;

  PrimaryDataSource(String jdbcUrl, Properties properties, Duration patience) {
    this.jdbcUrl = jdbcUrl;
    this.properties = properties;
    this.patience = patience;
  }

  @Override
  public Connection getConnection() throws SQLException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      try {
        return driver.connect(jdbcUrl, properties);
      } catch (SQLException e) {
        if (!NOT_YET.contains(e.getSQLState())
            || System.nanoTime() + RETRY_EVERY.toNanos() - deadline > 0) {
          throw e;
        }
        try {
          Thread.sleep(RETRY_EVERY.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("the credentials are in the properties");
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  /**
   * HikariCP sets this to its connection timeout, and on close waits this long for a connection it
   * is adding: answering 0 made every close soon after the start (a command's) warn that the wait
   * timed out.
   */
  @Override
  public void setLoginTimeout(int seconds) {
    loginTimeoutSeconds = seconds;
  }

  @Override
  public int getLoginTimeout() {
    return loginTimeoutSeconds;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    throw new SQLException("not a wrapper of " + type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return false;
  }
}
