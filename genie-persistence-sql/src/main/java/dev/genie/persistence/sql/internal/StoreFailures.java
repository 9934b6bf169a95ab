package dev.genie.persistence.sql.internal;

import dev.genie.persistence.StoreException;
import dev.genie.persistence.StoreUnavailableException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/** Sorts what JDBC and MyBatis throw into "try again later" and everything else. */
public final class StoreFailures {
  /** A write on a server that is read-only: a primary demoted to a standby. */
  public static final String READ_ONLY = "25006";

  /**
   * SQL states that say the primary went away, besides the connection class (08): admin shutdown,
   * crash shutdown, cannot connect now, and a server that turned read-only.
   */
  private static final Set<String> PRIMARY_AWAY_STATES =
      Set.of("57P01", "57P02", "57P03", READ_ONLY);

  /**
   * SQL states that say the database is down, restarting, overloaded or timed out, rather than that
   * the statement is wrong: the primary went away, too many connections, out of memory or disk,
   * query canceled (statement timeout), lock not available, serialization failure, deadlock.
   */
  private static final Set<String> TRANSIENT_STATES =
      Set.of("53300", "53200", "53100", "57014", "55P03", "40001", "40P01");

  private StoreFailures() {}

  /** What to throw for {@code failure}, which happened while trying to {@code action}. */
  public static StoreException translate(String action, Exception failure) {
    if (failure instanceof StoreException storeException) {
      return storeException;
    }
    SQLException sql = sqlException(failure);
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
        || primaryAway(state)
        || TRANSIENT_STATES.contains(state);
  }

  /**
   * Whether {@code failure} says that the primary went away (or could not be reached at all): a
   * statement that failed so may succeed on a fresh connection once a standby is promoted. A pool
   * that ran out of connections while waiting for new ones counts; a busy pool does not.
   */
  public static boolean primaryAway(Throwable failure) {
    SQLException sql = sqlException(failure);
    if (sql == null) {
      return false;
    }
    String state = sql.getSQLState() == null ? "" : sql.getSQLState();
    return primaryAway(state) || sql instanceof SQLTransientConnectionException;
  }

  private static boolean primaryAway(String state) {
    return state.startsWith("08") || PRIMARY_AWAY_STATES.contains(state);
  }

  /** {@code failure} and its causes, outermost first. */
  static Stream<Throwable> causes(Throwable failure) {
    return Stream.iterate(failure, Objects::nonNull, Throwable::getCause);
  }

  /** The outermost {@link SQLException} among {@code failure} and its causes, or null. */
  static SQLException sqlException(Throwable failure) {
    return causes(failure)
        .filter(SQLException.class::isInstance)
        .map(SQLException.class::cast)
        .findFirst()
        .orElse(null);
  }
}
