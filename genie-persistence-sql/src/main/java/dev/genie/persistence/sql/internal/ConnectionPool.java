package dev.genie.persistence.sql.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import com.zaxxer.hikari.pool.HikariPool;
import dev.genie.persistence.StoreUnavailableException;
import dev.genie.persistence.sql.MissingDatabaseException;
import dev.genie.persistence.sql.Pooler;
import dev.genie.persistence.sql.SqlStoreSettings;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HikariCP pool, opened failing fast when the database cannot be reached.
 *
 * @param dataSource the pool
 * @param pooled whether a pooler in transaction mode sits behind it ({@link Pooler#TRANSACTION})
 */
public record ConnectionPool(HikariDataSource dataSource, boolean pooled) {
  /** PostgreSQL's SQLSTATE for a database that does not exist. */
  private static final String INVALID_CATALOG_NAME = "3D000";

  private static final Logger log = LoggerFactory.getLogger(ConnectionPool.class);

  /**
   * Opens the pool as {@link SqlStoreSettings#pooler()} says; with {@link Pooler#AUTO}, a server
   * that refuses the {@code options} startup parameter is taken for a pooler in transaction mode.
   *
   * @throws StoreUnavailableException naming the server (never the password) when no connection can
   *     be made within the connection timeout
   * @throws MissingDatabaseException when the server answers that the database does not exist
   */
  public static ConnectionPool open(SqlStoreSettings settings) {
    if (settings.pooler() == Pooler.TRANSACTION) {
      return new ConnectionPool(open(settings, true), true);
    }
    try {
      return new ConnectionPool(open(settings, false), false);
    } catch (StoreUnavailableException e) {
      if (settings.pooler() == Pooler.AUTO && ConnectionSettings.refusedOptions(e)) {
        log.info(
            "{} refused the options startup parameter: taking it for a pooler in transaction"
                + " mode (set SqlStoreSettings.pooler=transaction to say so)",
            settings.url().redacted());
        return new ConnectionPool(open(settings, true), true);
      }
      throw e;
    }
  }

  private static HikariDataSource open(SqlStoreSettings settings, boolean pooled) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("genie");
    config.setDataSource(
        new PrimaryDataSource(
            settings.url().jdbcUrl(),
            ConnectionSettings.withCredentials(settings, settings.url(), "genie", pooled),
            settings.connectionTimeout()));
    config.setMaximumPoolSize(settings.poolSize());
    config.setMinimumIdle(settings.poolSize());
    config.setConnectionTimeout(settings.connectionTimeout().toMillis());
    config.setValidationTimeout(Math.min(1000, settings.connectionTimeout().toMillis()));
    config.setInitializationFailTimeout(settings.connectionTimeout().toMillis());
    config.setAutoCommit(true);
    config.setExceptionOverride(new DemotedPrimary());
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

  /**
   * Drops a connection whose server turned read-only, as a primary does when it is demoted to a
   * standby; HikariCP drops those of a server that went away by itself.
   */
  static final class DemotedPrimary implements SQLExceptionOverride {
    @java.lang.Override
    public SQLExceptionOverride.Override adjudicate(SQLException failure) {
      return StoreFailures.READ_ONLY.equals(failure.getSQLState())
          ? SQLExceptionOverride.Override.MUST_EVICT
          : SQLExceptionOverride.Override.CONTINUE_EVICT;
    }
  }
}
