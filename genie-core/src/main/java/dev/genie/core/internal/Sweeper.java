package dev.genie.core.internal;

import dev.genie.persistence.Claim;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes results whose owner stopped renewing (it died, hung or lost the database) without
 * waiting for a caller: every interval, jittered so that instances do not sweep in step, it takes
 * over a bounded number of expired leases, as the store picks them, and resumes each.
 */
public final class Sweeper {
  private static final Logger log = LoggerFactory.getLogger(Sweeper.class);
  private static final Duration FIRST_PASS_WITHIN = Duration.ofSeconds(1);

  private final ScheduledExecutorService timer;
  private final Duration interval;
  private final int limit;
  private final IntFunction<List<Claim>> takeOverExpired;
  private final Consumer<List<Claim>> resume;
  private volatile boolean stopped;

  /**
   * @param takeOverExpired takes over up to the given number of expired leases
   * @param resume generates each result taken over, and reports the pass
   */
  public Sweeper(
      ScheduledExecutorService timer,
      Duration interval,
      int limit,
      IntFunction<List<Claim>> takeOverExpired,
      Consumer<List<Claim>> resume) {
    this.timer = timer;
    this.interval = interval;
    this.limit = limit;
    this.takeOverExpired = takeOverExpired;
    this.resume = resume;
  }

  /**
   * The first pass comes within a second, whatever the interval: what a previous run of this
   * process left pending (the legacy store's own, above all) is resumed as it starts.
   */
  public void start() {
    long first = Math.min(interval.toNanos(), FIRST_PASS_WITHIN.toNanos());
    schedule((long) (first * ThreadLocalRandom.current().nextDouble()));
  }

  /** No pass starts after this. */
  public void stop() {
    stopped = true;
  }

  private void scheduleNext() {
    if (stopped) {
      return;
    }
    // Between a half and one and a half intervals: the mean stays the interval.
    schedule((long) (interval.toNanos() * (0.5 + ThreadLocalRandom.current().nextDouble())));
  }

  private void schedule(long delay) {
    try {
      timer.schedule(this::pass, delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      stopped = true; // the timer was shut down with the orchestrator
    }
  }

  private void pass() {
    try {
      if (!stopped) {
        resume.accept(takeOverExpired.apply(limit));
      }
    } catch (RuntimeException e) {
      if (stopped) {
        // A stop interrupts the pass it finds running: no fault, and no next pass.
        log.debug("a sweep for expired leases ended with the stop: {}", e.toString());
      } else {
        log.warn("a sweep for expired leases failed; the next one tries again: {}", e.toString());
      }
    } finally {
      scheduleNext();
    }
  }
}
