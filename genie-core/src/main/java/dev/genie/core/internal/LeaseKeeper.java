package dev.genie.core.internal;

import dev.genie.core.Ticker;
import dev.genie.core.internal.RunningGenerations.Reason;
import dev.genie.persistence.Fence;
import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.PromptStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the leases of running generations alive while they make progress: one task, every third of
 * the lease, renews every lease held here with one call to the store (db-scheduler's heartbeat over
 * everything in progress), so that a long generation is never taken over while its owner lives. It
 * asks {@link RunningGenerations} to cancel a generation whose lease the store did not renew (taken
 * over after all), and one that outlived its generator's timeout, whose lease it then stops
 * renewing.
 */
public final class LeaseKeeper {
  private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

  private final PromptStore store;
  private final RunningGenerations running;
  private final Ticker ticker;
  private final Supplier<LeaseTerms> terms;
  private final Duration lease;

  /** Guards {@link #held} and the holds' fields; never held while the store is called. */
  private final ReentrantLock state = new ReentrantLock();

  /**
   * Held while a renewal talks to the store, so that a lease let go can wait for it to end: a
   * renewal already under way must not land after the lease's release.
   */
  private final ReentrantLock renewal = new ReentrantLock();

  private final Map<Fence, Hold> held = new HashMap<>();
  private ScheduledFuture<?> loop; // under state

  /**
   * @param terms the terms of each renewal, read when it happens
   */
  public LeaseKeeper(
      PromptStore store, RunningGenerations running, Ticker ticker, Supplier<LeaseTerms> terms) {
    this.store = store;
    this.running = running;
    this.ticker = ticker;
    this.terms = terms;
    this.lease = terms.get().duration();
  }

  /** Starts the renewal loop on {@code timer}: one task, every third of the lease. */
  public void start(ScheduledExecutorService timer) {
    long every = Math.max(1, lease.toNanos() / 3);
    state.lock();
    try {
      if (loop == null) {
        loop = timer.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.NANOSECONDS);
      }
    } finally {
      state.unlock();
    }
  }

  /** Stops the renewal loop; a renewal under way ends on its own. */
  public void stop() {
    state.lock();
    try {
      if (loop != null) {
        loop.cancel(false);
      }
    } finally {
      state.unlock();
    }
  }

  /** Renews {@code fence} from the next tick on, until the returned hold is closed. */
  public Hold hold(Fence fence) {
    Hold hold = new Hold(fence, ticker.nanoTime());
    state.lock();
    try {
      held.put(fence, hold);
    } finally {
      state.unlock();
    }
    return hold;
  }

  /**
   * Stops renewing {@code fence}, waiting for a renewal under way: a lease about to be released
   * must not be renewed after its release, which would keep it for another whole lease.
   */
  public void stopRenewing(Fence fence) {
    state.lock();
    try {
      Hold hold = held.get(fence);
      if (hold == null) {
        return;
      }
      hold.renewing = false;
    } finally {
      state.unlock();
    }
    renewal.lock(); // waits for a renewal under way, which then finds renewing false
    renewal.unlock();
  }

  /**
   * One pass of the loop: cancels the generations past their timeout, then renews every other lease
   * held with one call, and cancels the generations whose lease the store did not renew.
   */
  public void tick() {
    long attempted = ticker.nanoTime();
    for (Fence overdue : running.cancelOverdue(attempted)) {
      // Not renewed from now on: the run records the attempt as failed, or the lease runs out.
      log.info("the generation of result {} outlived its timeout; stopping it", overdue);
      stopRenewingNow(overdue);
    }
    renewal.lock();
    try {
      List<Hold> due = renewing();
      if (due.isEmpty()) {
        return;
      }
      Set<Fence> renewed;
      try {
        renewed = store.renew(due.stream().map(hold -> hold.fence).toList(), terms.get());
      } catch (RuntimeException e) {
        // The leases run on until they expire; the tokens keep late results out if they do.
        log.debug("could not renew {} leases: {}", due.size(), e.toString());
        return;
      }
      for (Hold hold : due) {
        if (renewed.contains(hold.fence)) {
          confirmed(hold, attempted);
        } else if (lost(hold)) {
          log.info("the lease of result {} was taken over; stopping its generation", hold.fence);
          running.cancel(hold.fence, Reason.FENCED_OUT);
        }
      }
    } finally {
      renewal.unlock();
    }
  }

  /** How many leases are held here now. */
  public int held() {
    state.lock();
    try {
      return held.size();
    } finally {
      state.unlock();
    }
  }

  private List<Hold> renewing() {
    state.lock();
    try {
      return held.values().stream().filter(hold -> hold.renewing).toList();
    } finally {
      state.unlock();
    }
  }

  private void stopRenewingNow(Fence fence) {
    state.lock();
    try {
      Hold hold = held.get(fence);
      if (hold != null) {
        hold.renewing = false;
      }
    } finally {
      state.unlock();
    }
  }

  private void confirmed(Hold hold, long attempted) {
    state.lock();
    try {
      hold.confirmedNanos = attempted;
    } finally {
      state.unlock();
    }
  }

  /** Stops renewing a lease the store did not renew; false when its hold closed meanwhile. */
  private boolean lost(Hold hold) {
    state.lock();
    try {
      hold.renewing = false;
      return held.get(hold.fence) == hold;
    } finally {
      state.unlock();
    }
  }

  /** One lease kept alive, for as long as its generation runs and stores its result. */
  public final class Hold implements AutoCloseable {
    private final Fence fence;
    private long confirmedNanos; // under state
    private boolean renewing = true; // under state

    private Hold(Fence fence, long confirmedNanos) {
      this.fence = fence;
      this.confirmedNanos = confirmedNanos;
    }

    /** The ticker's time until which the lease is known to be ours. */
    public long liveUntilNanos() {
      state.lock();
      try {
        return confirmedNanos + lease.toNanos();
      } finally {
        state.unlock();
      }
    }

    /** Stops renewing. */
    @Override
    public void close() {
      state.lock();
      try {
        renewing = false;
        held.remove(fence, this);
      } finally {
        state.unlock();
      }
    }
  }
}
