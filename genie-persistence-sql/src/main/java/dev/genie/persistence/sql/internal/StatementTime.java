package dev.genie.persistence.sql.internal;

import dev.genie.persistence.sql.SqlStoreSettings;
import dev.genie.persistence.sql.TimeSource;
import java.time.Duration;
import java.time.Instant;

/**
 * The time a statement stamps and compares leases by: the caller's, or, as null, the database's
 * ({@link SqlStoreSettings#timeSource()}).
 */
public final class StatementTime {
  private final boolean callers;

  public StatementTime(TimeSource source) {
    this.callers = source == TimeSource.CALLER;
  }

  /** The caller's time, or null for the database's clock. */
  public Instant at(Instant callerNow) {
    return callers ? callerNow : null;
  }

  /** {@link #at} as an element of a text array, which the batched statements cast. */
  public String atText(Instant callerNow) {
    Instant at = at(callerNow);
    return at == null ? null : at.toString();
  }

  public static long micros(Duration duration) {
    return duration.toNanos() / 1000;
  }
}
