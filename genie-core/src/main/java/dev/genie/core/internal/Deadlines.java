package dev.genie.core.internal;

import dev.genie.core.Ticker;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Gives pending answers their fallback when their deadline comes, or a stop's end if that comes
 * first, unless they settled before: one timer entry each, no thread. Deadlines are {@link
 * Ticker#nanoTime} values.
 *
 * @param <T> the answer
 */
public final class Deadlines<T> {
  private final ScheduledExecutorService timer;
  private final Executor work;
  private final Ticker ticker;
  private final Set<Entry> entries = ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;
  private volatile long stopDeadline;

  /**
   * @param work runs what a stop does, which may wait (a lease's release): not on the timer
   */
  public Deadlines(ScheduledExecutorService timer, Executor work, Ticker ticker) {
    this.timer = timer;
    this.work = work;
    this.ticker = ticker;
  }

  /**
   * Completes {@code answer} with {@code fallback} at {@code deadline}; at a stop's end, runs
   * {@code onStop} (when not null) first, which may complete it itself.
   */
  public void park(
      CompletableFuture<T> answer, long deadline, Supplier<T> fallback, Runnable onStop) {
    if (answer.isDone()) {
      return;
    }
    Entry entry = new Entry(answer, deadline, fallback, onStop);
    entries.add(entry);
    answer.whenComplete((done, failure) -> entry.forget());
    entry.schedule(stopping ? earlier(deadline, stopDeadline) : deadline);
  }

  /** How many answers are parked here, not yet given. */
  public int parked() {
    return entries.size();
  }

  /** A stop begins: every answer is given by {@code stopDeadline} at the latest. */
  public void stopBy(long stopDeadline) {
    this.stopDeadline = stopDeadline;
    stopping = true;
    entries.forEach(Entry::stopBy);
  }

  private static long earlier(long a, long b) {
    return a - b <= 0 ? a : b;
  }

  private final class Entry {
    private final CompletableFuture<T> answer;
    private final long deadline;
    private final Supplier<T> fallback;
    private final Runnable onStop;
    private volatile ScheduledFuture<?> timeout;

    private Entry(
        CompletableFuture<T> answer, long deadline, Supplier<T> fallback, Runnable onStop) {
      this.answer = answer;
      this.deadline = deadline;
      this.fallback = fallback;
      this.onStop = onStop;
    }

    private void schedule(long at) {
      try {
        timeout =
            timer.schedule(this::expire, Math.max(0, at - ticker.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        expire();
      }
    }

    private void stopBy() {
      if (deadline - stopDeadline > 0) {
        cancelTimeout();
        schedule(stopDeadline);
      }
    }

    private void expire() {
      if (answer.isDone()) {
        return;
      }
      boolean byStop = stopping && stopDeadline - deadline <= 0;
      if (!byStop || onStop == null) {
        answer.complete(fallback.get()); // here: nothing to wait for, and thousands may be due
        return;
      }
      Runnable give =
          () -> {
            onStop.run();
            answer.complete(fallback.get());
          };
      try {
        work.execute(give);
      } catch (RejectedExecutionException e) {
        give.run();
      }
    }

    private void forget() {
      entries.remove(this);
      cancelTimeout();
    }

    private void cancelTimeout() {
      ScheduledFuture<?> pending = timeout;
      if (pending != null) {
        pending.cancel(false);
      }
    }
  }
}
