package dev.genie.persistence.sql;

import dev.genie.persistence.StoreException;

/**
 * PostgreSQL answers, but the database that the URL names does not exist on it. Unlike an
 * unreachable server this does not pass by itself: the database has to be created.
 */
public final class MissingDatabaseException extends StoreException {
  private final DatabaseUrl url;

  public MissingDatabaseException(DatabaseUrl url, Throwable cause) {
    super(
        "the database '"
            + url.database()
            + "' does not exist on PostgreSQL at "
            + url.host()
            + ":"
            + url.port(),
        cause);
    this.url = url;
  }

  /** Where it was looked for; its password is never in a message. */
  public DatabaseUrl url() {
    return url;
  }
}
