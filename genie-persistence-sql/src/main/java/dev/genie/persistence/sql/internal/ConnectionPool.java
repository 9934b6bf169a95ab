package dev.genie.persistence.sql.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.genie.persistence.StoreUnavailableException;
import dev.genie.persistence.sql.SqlStoreSettings;

/** Opens the HikariCP pool, failing fast when the database cannot be reached. */
public final class ConnectionPool {
  private ConnectionPool() {}

  /**
   * @throws StoreUnavailableException naming the server (never the password) when no connection can
   *     be made within the connection timeout
   */
  public static HikariDataSource open(SqlStoreSettings settings) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("genie");
    config.setJdbcUrl(settings.url().jdbcUrl());
    config.setUsername(settings.url().user());
    settings.url().password().ifPresent(config::setPassword);
    config.setDataSourceProperties(ConnectionSettings.driverProperties(settings, "genie"));
    config.setMaximumPoolSize(settings.poolSize());
    config.setMinimumIdle(settings.poolSize());
    config.setConnectionTimeout(settings.connectionTimeout().toMillis());
    config.setValidationTimeout(Math.min(1000, settings.connectionTimeout().toMillis()));
    config.setInitializationFailTimeout(settings.connectionTimeout().toMillis());
    config.setAutoCommit(true);
    try {
      return new HikariDataSource(config);
    } catch (HikariPool.PoolInitializationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new StoreUnavailableException(
          "cannot connect to PostgreSQL at "
              + settings.url().redacted()
              + ": "
              + cause.getMessage(),
          e);
    }
  }
}
