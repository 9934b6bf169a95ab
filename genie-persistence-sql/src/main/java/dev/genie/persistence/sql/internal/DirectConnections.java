package dev.genie.persistence.sql.internal;

import dev.genie.persistence.sql.SqlStoreSettings;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.Driver;

/**
 * Connections of their own, outside the pool, for the schema's migration: Flyway holds one for its
 * lock while it migrates on another, which a pool of one could never give it. No statement timeout:
 * building an index over a large table may take longer than any request should.
 */
final class DirectConnections implements DataSource {
  private final String url;
  private final Properties properties;

  /**
   * @param pooled whether a pooler in transaction mode sits behind the URL: it takes no session
   *     options, and no statement timeout is set there either
   */
  DirectConnections(SqlStoreSettings settings, boolean pooled) {
    this.url = settings.url().jdbcUrl();
    this.properties =
        ConnectionSettings.withCredentials(settings, settings.url(), "genie-migrate", pooled);
    if (!pooled) {
      properties.setProperty("options", "-c lock_timeout=" + settings.lockTimeout().toMillis());
    }
    properties.remove("socketTimeout");
  }

  @Override
  public Connection getConnection() throws SQLException {
    return new Driver().connect(url, properties);
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("the credentials come from DATABASE_URL");
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("no java.util.logging here");
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return false;
  }
}
