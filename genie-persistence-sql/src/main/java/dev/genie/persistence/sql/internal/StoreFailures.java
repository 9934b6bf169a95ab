package dev.genie.persistence.sql.internal;

import dev.genie.persistence.StoreException;
import dev.genie.persistence.StoreUnavailableException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Set;

/** Sorts what JDBC and MyBatis throw into "try again later" and everything else. */
public final class StoreFailures {
  /**
   * SQL states that say the database is down, restarting, overloaded or timed out, rather than that
   * the statement is wrong: admin shutdown, crash shutdown, cannot connect now, too many
   * connections, out of memory or disk, query canceled (statement timeout), lock not available,
   * serialization failure, deadlock.
   */
  private static final Set<String> TRANSIENT_STATES =
      Set.of(
          "57P01", "57P02", "57P03", "53300", "53200", "53100", "57014", "55P03", "40001", "40P01");

  private StoreFailures() {}

  /** What to throw for {@code failure}, which happened while trying to {@code action}. */
  public static StoreException translate(String action, RuntimeException failure) {
    if (failure instanceof StoreException storeException) {
      return storeException;
    }
    SQLException sql = findSqlException(failure);
    if (sql == null) {
      return new StoreException("could not " + action + ": " + failure.getMessage(), failure);
    }
    String state = sql.getSQLState() == null ? "" : sql.getSQLState();
    String message = "could not " + action + ": " + sql.getMessage();
    if (isTransient(sql, state)) {
      return new StoreUnavailableException(message, failure);
    }
    return new StoreException(message + " (SQL state " + state + ")", failure);
  }

  static boolean isTransient(SQLException sql, String state) {
    return sql instanceof SQLTransientException
        || state.startsWith("08")
        || TRANSIENT_STATES.contains(state);
  }

  private static SQLException findSqlException(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }
}
