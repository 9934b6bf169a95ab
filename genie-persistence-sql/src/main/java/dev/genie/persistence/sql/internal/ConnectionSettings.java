package dev.genie.persistence.sql.internal;

import dev.genie.persistence.sql.DatabaseUrl;
import dev.genie.persistence.sql.SqlStoreSettings;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/** The pgjdbc properties of every connection Genie opens: pooled ones and the listener's. */
public final class ConnectionSettings {
  /**
   * How long pgjdbc trusts what it learnt about a host (primary or standby) of a multi-host URL:
   * after a failover, the promoted standby is tried as a primary again this soon.
   */
  static final int HOST_RECHECK_SECONDS = 2;

  private ConnectionSettings() {}

  /**
   * Server-side timeouts bound every statement and lock wait of Genie's sessions; the socket
   * timeout is the backstop for a server that stopped answering altogether. Through a pooler in
   * transaction mode the timeouts are set per transaction instead ({@link #setLocalTimeouts}), no
   * statement is prepared on the server, and nothing is set for the session, not even by the driver
   * after it connects.
   */
  public static Properties driverProperties(
      SqlStoreSettings settings, DatabaseUrl url, String applicationName, boolean pooled) {
    Properties properties = new Properties();
    url.parameters().forEach(properties::setProperty);
    properties.setProperty("ApplicationName", applicationName);
    if (pooled) {
      properties.setProperty("prepareThreshold", "0");
      properties.setProperty("defaultRowFetchSize", "0");
      // Sends application_name and extra_float_digits at startup instead of SETting them after.
      properties.setProperty("assumeMinServerVersion", "10");
    } else {
      properties.setProperty(
          "options",
          "-c statement_timeout="
              + settings.statementTimeout().toMillis()
              + " -c lock_timeout="
              + settings.lockTimeout().toMillis());
    }
    properties.setProperty("connectTimeout", Long.toString(seconds(settings.connectionTimeout())));
    properties.setProperty(
        "socketTimeout", Long.toString(seconds(settings.statementTimeout()) + 10));
    properties.setProperty("tcpKeepAlive", "true");
    if (url.severalHosts()) {
      properties.putIfAbsent("hostRecheckSeconds", Integer.toString(HOST_RECHECK_SECONDS));
    }
    return properties;
  }

  /** A raw connection's properties: the driver ones plus the credentials. */
  public static Properties withCredentials(
      SqlStoreSettings settings, DatabaseUrl url, String applicationName, boolean pooled) {
    Properties properties = driverProperties(settings, url, applicationName, pooled);
    properties.setProperty("user", url.user());
    url.password().ifPresent(password -> properties.setProperty("password", password));
    return properties;
  }

  /**
   * The properties of the schema's migration connections, which Flyway takes outside the pool (it
   * holds one for its lock while it migrates on another, which a pool of one could never give it):
   * no statement timeout, since building an index over a large table may take longer than any
   * request should; through a pooler in transaction mode, no session options at all.
   */
  public static Properties forMigration(SqlStoreSettings settings, boolean pooled) {
    Properties properties = withCredentials(settings, settings.url(), "genie-migrate", pooled);
    if (!pooled) {
      properties.setProperty("options", "-c lock_timeout=" + settings.lockTimeout().toMillis());
    }
    properties.remove("socketTimeout");
    return properties;
  }

  /**
   * The statement that sets the timeouts for the current transaction only; sent in the same round
   * trip as the transaction's BEGIN.
   */
  public static String setLocalTimeouts(SqlStoreSettings settings) {
    return "SET LOCAL statement_timeout = "
        + settings.statementTimeout().toMillis()
        + "; SET LOCAL lock_timeout = "
        + settings.lockTimeout().toMillis();
  }

  /**
   * Whether {@code failure} says that the server refused the {@code options} startup parameter, as
   * PgBouncer does: the sign of a pooler.
   */
  public static boolean refusedOptions(Throwable failure) {
    return StoreFailures.causes(failure)
        .anyMatch(
            t ->
                t instanceof SQLException
                    && t.getMessage() != null
                    && t.getMessage().contains("unsupported startup parameter: options"));
  }

  private static long seconds(Duration duration) {
    return Math.max(1, (duration.toMillis() + 999) / 1000);
  }
}
