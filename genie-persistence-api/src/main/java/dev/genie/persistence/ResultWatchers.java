package dev.genie.persistence;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The open watches of one process, for stores to signal when a result changes. A signal that
 * arrives between opening a watch and awaiting it is kept, so no change is missed.
 */
public final class ResultWatchers {
  private final ConcurrentHashMap<String, Set<Watch>> byResult = new ConcurrentHashMap<>();

  public ResultWatch open(String resultId) {
    return open(resultId, () -> {});
  }

  /**
   * Opens a watch that also runs {@code onSignal} on every signal, on the signalling thread: it
   * must return at once (hand the work to an executor).
   */
  public ResultWatch open(String resultId, Runnable onSignal) {
    Watch watch = new Watch(resultId, onSignal);
    // Added inside compute: a close of the last watch, which drops the set, cannot come between
    // finding the set and adding to it, and leave this watch where no signal finds it.
    byResult.compute(
        resultId,
        (id, watches) -> {
          Set<Watch> open = watches != null ? watches : ConcurrentHashMap.newKeySet();
          open.add(watch);
          return open;
        });
    return watch;
  }

  /** Wakes every watch of {@code resultId}. */
  public void signal(String resultId) {
    Set<Watch> watches = byResult.get(resultId);
    if (watches != null) {
      watches.forEach(Watch::signal);
    }
  }

  /** Wakes every watch, for when changes may have been missed (a lost notification channel). */
  public void signalAll() {
    byResult.values().forEach(watches -> watches.forEach(Watch::signal));
  }

  /** Whether any watch is open on {@code resultId}. */
  public boolean isWatched(String resultId) {
    return byResult.containsKey(resultId);
  }

  private final class Watch implements ResultWatch {
    private final String resultId;
    private final Runnable onSignal;
    private final Semaphore signals = new Semaphore(0);

    private Watch(String resultId, Runnable onSignal) {
      this.resultId = resultId;
      this.onSignal = onSignal;
    }

    private void signal() {
      if (signals.availablePermits() == 0) {
        signals.release();
      }
      onSignal.run();
    }

    @Override
    public void await(Duration timeout) throws InterruptedException {
      if (signals.tryAcquire(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS)) {
        signals.drainPermits();
      }
    }

    @Override
    public void close() {
      byResult.computeIfPresent(
          resultId,
          (id, watches) -> {
            watches.remove(this);
            return watches.isEmpty() ? null : watches;
          });
    }
  }
}
