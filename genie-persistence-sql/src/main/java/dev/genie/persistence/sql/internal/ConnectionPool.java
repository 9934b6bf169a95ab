package dev.genie.persistence.sql.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.genie.persistence.StoreUnavailableException;
import dev.genie.persistence.sql.MissingDatabaseException;
import dev.genie.persistence.sql.SqlStoreSettings;
import java.sql.SQLException;

/** Opens the HikariCP pool, failing fast when the database cannot be reached. */
public final class ConnectionPool {
  /** PostgreSQL's SQLSTATE for a database that does not exist. */
  private static final String INVALID_CATALOG_NAME = "3D000";

  private ConnectionPool() {}

  /**
   * @throws StoreUnavailableException naming the server (never the password) when no connection can
   *     be made within the connection timeout
   * @throws MissingDatabaseException when the server answers that the database does not exist
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
      if (cause instanceof SQLException sql && INVALID_CATALOG_NAME.equals(sql.getSQLState())) {
        throw new MissingDatabaseException(settings.url(), e);
      }
      throw new StoreUnavailableException(
          "cannot connect to PostgreSQL at "
              + settings.url().redacted()
              + ": "
              + cause.getMessage(),
          e);
    }
  }
}
