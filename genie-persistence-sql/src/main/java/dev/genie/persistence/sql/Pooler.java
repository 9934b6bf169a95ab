package dev.genie.persistence.sql;

import java.util.Locale;

/**
 * What sits between Genie and PostgreSQL ({@link SqlStoreSettings#pooler()}). Through a pooler in
 * transaction mode a connection is Genie's only for one transaction: session settings, server-side
 * prepared statements and LISTEN would land on whichever server connection the pooler picked.
 */
public enum Pooler {
  /**
   * Connect directly; if the server refuses the {@code options} startup parameter, as PgBouncer
   * does, use {@link #TRANSACTION} and say so once.
   */
  AUTO,
  /** Connections are PostgreSQL sessions: timeouts are set once per session. */
  NONE,
  /**
   * A pooler in transaction mode: every statement runs in a transaction of its own that sets its
   * timeouts with SET LOCAL, no statement is prepared on the server, and LISTEN needs {@link
   * SqlStoreSettings#listenUrl()}.
   */
  TRANSACTION;

  /**
   * @throws IllegalArgumentException naming the setting and the accepted values
   */
  public static Pooler parse(String value) {
    try {
      return valueOf(value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "SqlStoreSettings.pooler must be one of auto, none, transaction: '" + value + "'", e);
    }
  }
}
