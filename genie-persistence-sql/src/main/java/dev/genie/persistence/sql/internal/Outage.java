package dev.genie.persistence.sql.internal;

import dev.genie.persistence.StoreUnavailableException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether the primary has been away for longer than a failover takes. Until then a statement that
 * failed because the primary went away is retried; after that, waiting helps nobody, so requests
 * are told at once that the store is unavailable, except for one probe every {@link #PROBE_EVERY}
 * that finds out whether a primary is back.
 */
public final class Outage {
  static final Duration PROBE_EVERY = Duration.ofMillis(500);

  private static final long NONE = Long.MIN_VALUE;

  private final Duration failover;
  private final Duration probeEvery;
  private final AtomicLong awaySince = new AtomicLong(NONE);
  private final AtomicLong lastProbe = new AtomicLong(NONE);

  /**
   * @param failover how long a failover may take: {@code SqlStoreSettings.failoverWait}
   */
  public Outage(Duration failover) {
    this(failover, PROBE_EVERY);
  }

  Outage(Duration failover, Duration probeEvery) {
    this.failover = failover;
    this.probeEvery = probeEvery;
  }

  /**
   * Lets a statement through, unless the primary has been away for longer than a failover takes and
   * another statement probed it less than {@link #PROBE_EVERY} ago.
   *
   * @return whether the statement may be retried when the primary turns out to be away: not when it
   *     is a probe
   * @throws StoreUnavailableException at once in that case
   */
  public boolean admit(String action) {
    long since = awaySince.get();
    if (since == NONE || failover.isZero()) {
      return true; // a wait of 0 retries nothing and keeps nobody out
    }
    long now = System.nanoTime();
    if (now - since <= failover.toNanos()) {
      return true;
    }
    long probed = lastProbe.get();
    if ((probed == NONE || now - probed >= probeEvery.toNanos())
        && lastProbe.compareAndSet(probed, now)) {
      return false;
    }
    throw new StoreUnavailableException(
        "could not "
            + action
            + ": no primary has answered for "
            + (now - since) / 1_000_000
            + " ms, longer than a failover takes (SqlStoreSettings.failoverWait="
            + failover.toMillis()
            + ")");
  }

  /** Whether a statement found the primary away, and none has succeeded since. */
  public boolean suspected() {
    return awaySince.get() != NONE;
  }

  /** A statement failed because the primary went away. */
  public void primaryAway() {
    awaySince.compareAndSet(NONE, System.nanoTime());
  }

  /** A statement succeeded: there is a primary. */
  public void primaryBack() {
    if (awaySince.get() != NONE) {
      awaySince.set(NONE);
    }
  }
}
