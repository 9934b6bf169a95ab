package dev.genie.core.internal;

import dev.genie.persistence.Fence;
import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.PromptStore;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the leases of running generations alive while they make progress: renews each every third
 * of the lease, so that a long generation is never taken over while its owner lives; interrupts a
 * generation whose renewal finds that the lease was taken over after all, and one that outlived its
 * generator's timeout, whose lease it then stops renewing.
 */
public final class LeaseKeeper {
  private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

  private final PromptStore store;
  private final ScheduledExecutorService timer;
  private final Supplier<LeaseTerms> terms;
  private final Duration lease;
  private final Map<Fence, Hold> held = new ConcurrentHashMap<>();

  /**
   * @param terms the terms of each renewal, read when it happens
   */
  public LeaseKeeper(
      PromptStore store, ScheduledExecutorService timer, Supplier<LeaseTerms> terms) {
    this.store = store;
    this.timer = timer;
    this.terms = terms;
    this.lease = terms.get().duration();
  }

  /**
   * Renews {@code fence} until the returned hold is closed; interrupts {@code worker} if lost, or
   * if it still generates after {@code generationTimeout}, when renewals stop.
   */
  public Hold hold(Fence fence, Thread worker, Optional<Duration> generationTimeout) {
    Hold hold =
        new Hold(
            fence,
            worker,
            generationTimeout.map(timeout -> System.nanoTime() + timeout.toNanos()).orElse(null));
    long every = Math.max(1, lease.toNanos() / 3);
    held.put(fence, hold);
    hold.task = timer.scheduleWithFixedDelay(hold::renew, every, every, TimeUnit.NANOSECONDS);
    return hold;
  }

  /**
   * Stops renewing {@code fence}, waiting for a renewal under way: a lease about to be released
   * must not be renewed after its release, which would keep it for another whole lease.
   */
  public void stopRenewing(Fence fence) {
    Hold hold = held.get(fence);
    if (hold != null) {
      hold.stopRenewing();
    }
  }

  /** One lease kept alive, for as long as its generation runs and stores its result. */
  public final class Hold implements AutoCloseable {
    private final Fence fence;
    private final Thread worker;
    private final Long generateBy;
    private volatile long confirmedNanos = System.nanoTime();
    private volatile ScheduledFuture<?> task;

    /** Held while a renewal talks to the store, so that stopping can wait for it to end. */
    private final ReentrantLock renewal = new ReentrantLock();

    private boolean renewing = true;
    private boolean generating = true;
    private boolean fencedOut;
    private boolean timedOut;
    private boolean closed;

    /**
     * @param generateBy the {@link System#nanoTime} by which the generation must have returned;
     *     null for none
     */
    private Hold(Fence fence, Thread worker, Long generateBy) {
      this.fence = fence;
      this.worker = worker;
      this.generateBy = generateBy;
    }

    private void renew() {
      long attempted = System.nanoTime();
      synchronized (this) {
        if (generating && generateBy != null && attempted - generateBy > 0) {
          // Not renewed: the run records the attempt as failed, or the lease runs out.
          if (!closed) {
            timedOut = true;
            log.info("the generation of result {} outlived its timeout; stopping it", fence);
            worker.interrupt();
          }
          task.cancel(false);
          return;
        }
      }
      boolean ours;
      renewal.lock();
      try {
        synchronized (this) {
          if (!renewing) {
            return;
          }
        }
        ours = store.renew(fence, terms.get());
      } catch (RuntimeException e) {
        // The lease runs on until it expires; the token keeps a late result out if it does.
        log.debug("could not renew the lease of result {}: {}", fence.resultId(), e.toString());
        return;
      } finally {
        renewal.unlock();
      }
      if (ours) {
        confirmedNanos = attempted;
        return;
      }
      synchronized (this) {
        if (!closed) {
          fencedOut = true;
          log.info("the lease of result {} was taken over; stopping its generation", fence);
          worker.interrupt();
        }
      }
      task.cancel(false);
    }

    /** True once a renewal found the lease taken over. */
    public synchronized boolean fencedOut() {
      return fencedOut;
    }

    /** True once the generation outlived its timeout and was interrupted for it. */
    public synchronized boolean timedOut() {
      return timedOut;
    }

    /**
     * The generation returned: no timeout applies from now on. An interrupt that the timeout sent
     * just before is cleared from the worker, which calls this; the result exists and is stored.
     */
    public void generated() {
      boolean clearInterrupt;
      synchronized (this) {
        generating = false;
        clearInterrupt = timedOut;
        timedOut = false;
      }
      if (clearInterrupt) {
        Thread.interrupted();
      }
    }

    /** The {@link System#nanoTime} until which the lease is known to be ours. */
    public long liveUntilNanos() {
      return confirmedNanos + lease.toNanos();
    }

    private void stopRenewing() {
      synchronized (this) {
        renewing = false;
      }
      task.cancel(false);
      renewal.lock(); // waits for a renewal under way, which then finds renewing false
      renewal.unlock();
    }

    /** Stops renewing; clears the interrupt this hold sent, which was meant for the generation. */
    @Override
    public void close() {
      held.remove(fence, this);
      task.cancel(false);
      boolean clearInterrupt;
      synchronized (this) {
        closed = true;
        clearInterrupt = (fencedOut || timedOut) && Thread.currentThread() == worker;
      }
      if (clearInterrupt) {
        Thread.interrupted();
      }
    }
  }
}
