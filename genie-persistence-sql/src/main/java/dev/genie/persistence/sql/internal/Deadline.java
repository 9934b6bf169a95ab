package dev.genie.persistence.sql.internal;

import java.time.Duration;

/**
 * When a request to the store must be under way, fixed once when the store admits it and handed to
 * every place that may make it wait (a batch to take it, the pool gate, HikariCP), so that their
 * waits share one bound instead of each starting a fresh one. A statement that finds the primary
 * away moves it once, to {@code SqlStoreSettings.failoverWait} after the same admission. Times are
 * {@link System#nanoTime}.
 *
 * @param admitted when the store admitted the request
 * @param at when its waiting must end
 * @param setting the setting that governs {@code at}, for the message of whoever runs out
 */
public record Deadline(long admitted, long at, String setting) {

  /** A deadline {@code budget} after now. */
  public static Deadline after(Duration budget, String setting) {
    long now = System.nanoTime();
    return new Deadline(now, now + budget.toNanos(), setting);
  }

  /** This deadline, moved to {@code budget} after admission when that is later. */
  public Deadline extendedTo(Duration budget, String setting) {
    long later = admitted + budget.toNanos();
    return later - at > 0 ? new Deadline(admitted, later, setting) : this;
  }

  /** What is left of the wait; zero or less once it is over. */
  public long nanosLeft() {
    return at - System.nanoTime();
  }

  /** How long a request admitted with this deadline may wait in all, in milliseconds. */
  public long budgetMillis() {
    return (at - admitted) / 1_000_000;
  }
}
