package dev.genie.persistence.sql.internal;

import dev.genie.persistence.StoreUnavailableException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * Gathers requests of one kind that arrive while batches of them are in flight, so that the next
 * batch carries them all to PostgreSQL in one statement and one commit. There is no timer: a
 * request that finds fewer batches in flight than the most allowed leads one at once with whatever
 * is queued (at least itself), on its own thread, which is running already; the others wait, and
 * when a batch ends its leader hands the lead to the oldest waiting request not yet leading, whose
 * batch takes everything queued up to the bound. More than one batch in flight keeps a busy machine
 * from serializing every request behind the wake-up of the next leader. Each caller returns only
 * once the batch that holds its request has run, committed and settled its entry. A request that no
 * batch has taken by its {@link Deadline} (a batch ahead of it is stuck) leaves the queue and
 * fails, as one that waited that long for a pooled connection would; a batch waits for its
 * connection no longer than its oldest request's deadline.
 *
 * @param <R> what a caller asks for
 * @param <T> what it is answered
 */
public final class GroupCommit<R, T> {
  private final int maxBatch;
  private final Consumer<List<Entry<R, T>>> runner;
  private final IntConsumer sizes;
  private final Function<R, Deadline> deadline;
  private final Function<R, RuntimeException> queuedTooLong;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Entry<R, T>> queue = new ArrayDeque<>();
  private final int maxLeaders;
  private int leaders;

  /**
   * @param maxBatch the most requests in one batch
   * @param maxInFlight the most batches in flight at once
   * @param runner runs one batch and settles each entry of it; what it throws fails every entry it
   *     left unsettled
   * @param sizes told the size of every batch run
   * @param deadline when a request must have been taken by a batch: its deadline
   * @param queuedTooLong what a request that waited that long fails with
   */
  public GroupCommit(
      int maxBatch,
      int maxInFlight,
      Consumer<List<Entry<R, T>>> runner,
      IntConsumer sizes,
      Function<R, Deadline> deadline,
      Function<R, RuntimeException> queuedTooLong) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("a batch holds at least one request: " + maxBatch);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("at least one batch must be in flight: " + maxInFlight);
    }
    this.maxBatch = maxBatch;
    this.maxLeaders = maxInFlight;
    this.runner = runner;
    this.sizes = sizes;
    this.deadline = deadline;
    this.queuedTooLong = queuedTooLong;
  }

  /**
   * Runs {@code request} in the next batch and returns its answer.
   *
   * @throws RuntimeException what the batch's runner settled this request with, or threw
   */
  public T submit(R request) {
    Entry<R, T> entry = new Entry<>(request);
    boolean lead;
    lock.lock();
    try {
      queue.add(entry);
      lead = leaders < maxLeaders;
      if (lead) {
        leaders++;
      }
    } finally {
      lock.unlock();
    }
    long until = deadline.apply(request).at();
    boolean queued = true;
    while (true) {
      if (lead) {
        runNextBatch();
      }
      if (entry.isSettled()) {
        return entry.answer();
      }
      Turn turn = entry.awaitTurn(queued ? until : 0);
      lead = turn == Turn.LEAD;
      if (turn == Turn.TIMED_OUT) {
        lock.lock();
        try {
          // Handing the lead on happens under this lock too: the request either leads now, or is
          // in a batch, or is still queued and leaves.
          if (!entry.isPromoted() && queue.remove(entry)) {
            throw queuedTooLong.apply(request);
          }
        } finally {
          lock.unlock();
        }
        queued = false; // a batch holds it, or it was just handed the lead
      }
    }
  }

  /**
   * For a request that no batch took by its deadline: one ahead of it is stuck.
   *
   * @param kind what the batches carry, as "claims"
   */
  public static StoreUnavailableException queuedTooLong(
      String action, String kind, Deadline deadline) {
    return new StoreUnavailableException(
        "could not "
            + action
            + ": it waited "
            + deadline.budgetMillis()
            + " ms behind a batch of "
            + kind
            + " whose connection stayed busy ("
            + deadline.setting()
            + ", SqlStoreSettings.groupCommitMax)");
  }

  /** How many requests wait for a batch to take them. */
  int queued() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Takes what is queued, runs it, and hands the lead on or lays it down. */
  private void runNextBatch() {
    List<Entry<R, T>> batch = new ArrayList<>(Math.min(maxBatch, 16));
    lock.lock();
    try {
      while (batch.size() < maxBatch && !queue.isEmpty()) {
        batch.add(queue.poll());
      }
    } finally {
      lock.unlock();
    }
    try {
      if (!batch.isEmpty()) {
        sizes.accept(batch.size());
        runner.accept(batch);
      }
    } catch (RuntimeException | Error e) {
      for (Entry<R, T> entry : batch) {
        entry.fail(e);
      }
    } finally {
      for (Entry<R, T> entry : batch) {
        entry.fail(
            new IllegalStateException("a batch left this request unanswered; this is a bug"));
      }
      lock.lock();
      try {
        Entry<R, T> next = null;
        for (Entry<R, T> queued : queue) {
          if (!queued.isPromoted()) {
            next = queued;
            break;
          }
        }
        if (next != null) {
          next.promote(); // under the lock: a request that times out is either promoted or queued
        } else {
          leaders--;
        }
      } finally {
        lock.unlock();
      }
    }
  }

  enum Turn {
    SETTLED,
    LEAD,
    TIMED_OUT
  }

  /** One request in a batch, and its answer once the batch settles it. */
  public static final class Entry<R, T> {
    private final R request;
    private boolean settled;
    private boolean promoted;
    private T answer;
    private Throwable failure;

    Entry(R request) {
      this.request = request;
    }

    public R request() {
      return request;
    }

    /** Answers this request with what {@code work} returns, or fails it with what it throws. */
    public void settle(Supplier<T> work) {
      try {
        succeed(work.get());
      } catch (RuntimeException e) {
        fail(e);
      }
    }

    public synchronized void succeed(T value) {
      if (!settled) {
        answer = value;
        settled = true;
        notifyAll();
      }
    }

    /** Fails this request, unless it was settled already. */
    public synchronized void fail(Throwable e) {
      if (!settled) {
        failure = e;
        settled = true;
        notifyAll();
      }
    }

    synchronized boolean isSettled() {
      return settled;
    }

    synchronized boolean isPromoted() {
      return promoted;
    }

    synchronized void promote() {
      promoted = true;
      notifyAll();
    }

    /**
     * Waits until this request is settled, handed the lead, or {@code deadline} ({@link
     * System#nanoTime}; 0 for none) passes. An interrupt does not cut the wait short: the batch
     * holding the request may have committed it already, and its caller must learn how; it is kept
     * for the caller to see.
     */
    synchronized Turn awaitTurn(long deadline) {
      boolean interrupted = false;
      try {
        while (!settled && !promoted) {
          long left = deadline == 0 ? Long.MAX_VALUE : deadline - System.nanoTime();
          if (left <= 0) {
            return Turn.TIMED_OUT;
          }
          try {
            if (deadline == 0) {
              wait();
            } else {
              TimeUnit.NANOSECONDS.timedWait(this, left);
            }
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
        if (promoted) {
          promoted = false;
          return Turn.LEAD;
        }
        return Turn.SETTLED;
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    synchronized T answer() {
      if (failure instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (failure instanceof Error error) {
        throw error;
      }
      return answer;
    }
  }
}
