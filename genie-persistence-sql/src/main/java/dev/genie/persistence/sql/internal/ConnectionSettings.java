package dev.genie.persistence.sql.internal;

import dev.genie.persistence.sql.SqlStoreSettings;
import java.util.Properties;

/** The pgjdbc properties of every connection Genie opens: pooled ones and the listener's. */
public final class ConnectionSettings {
  private ConnectionSettings() {}

  /**
   * Server-side timeouts bound every statement and lock wait of Genie's sessions; the socket
   * timeout is the backstop for a server that stopped answering altogether.
   */
  public static Properties driverProperties(SqlStoreSettings settings, String applicationName) {
    Properties properties = new Properties();
    settings.url().parameters().forEach(properties::setProperty);
    properties.setProperty("ApplicationName", applicationName);
    properties.setProperty(
        "options",
        "-c statement_timeout="
            + settings.statementTimeout().toMillis()
            + " -c lock_timeout="
            + settings.lockTimeout().toMillis());
    properties.setProperty("connectTimeout", Long.toString(seconds(settings.connectionTimeout())));
    properties.setProperty(
        "socketTimeout", Long.toString(seconds(settings.statementTimeout()) + 10));
    properties.setProperty("tcpKeepAlive", "true");
    return properties;
  }

  /** A raw connection's properties: the driver ones plus the credentials. */
  public static Properties withCredentials(SqlStoreSettings settings, String applicationName) {
    Properties properties = driverProperties(settings, applicationName);
    properties.setProperty("user", settings.url().user());
    settings.url().password().ifPresent(password -> properties.setProperty("password", password));
    return properties;
  }

  private static long seconds(java.time.Duration duration) {
    return Math.max(1, (duration.toMillis() + 999) / 1000);
  }
}
