package dev.genie.core.internal;

import dev.genie.core.Ticker;
import dev.genie.persistence.Fence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The generations running in this process, by the fence of their lease, and the one place that may
 * cancel one: a cancel records why and interrupts the run's thread, once, and never after the run
 * ended. The lease keeper asks it when a lease was lost or a generation outlived its timeout, the
 * orchestrator when a stop ends; nobody else interrupts a generation. State under one lock.
 */
public final class RunningGenerations {
  /** Why a run was cancelled: what it records as its outcome. */
  public enum Reason {
    /** A renewal found its lease taken over: its result is somebody else's now. */
    FENCED_OUT,
    /** The generation outlived its generator's timeout. */
    TIMED_OUT,
    /** The orchestrator is stopping: its lease is released for another instance. */
    STOPPED
  }

  private final Ticker ticker;
  private final Object lock = new Object();
  private final Map<Fence, Run> runs = new HashMap<>();
  private boolean stopped;

  public RunningGenerations(Ticker ticker) {
    this.ticker = ticker;
  }

  /**
   * A run of the generation under {@code fence}, from the moment it is handed to a thread: a cancel
   * that comes before the thread takes it up is delivered as it does ({@link Run#attach}).
   */
  public Run begin(Fence fence) {
    synchronized (lock) {
      Run run = new Run(fence);
      if (runs.putIfAbsent(fence, run) != null) {
        throw new IllegalStateException("two runs of result " + fence + "; this is a bug");
      }
      if (stopped) {
        run.reason = Reason.STOPPED;
      }
      return run;
    }
  }

  /** Cancels the run under {@code fence}, if it runs still and was not cancelled before. */
  public void cancel(Fence fence, Reason reason) {
    synchronized (lock) {
      Run run = runs.get(fence);
      if (run != null) {
        run.cancel(reason);
      }
    }
  }

  /**
   * Cancels every run still generating past its generator's timeout at {@code nowNanos} (of the
   * ticker), and returns their fences.
   */
  public List<Fence> cancelOverdue(long nowNanos) {
    synchronized (lock) {
      List<Fence> overdue = new ArrayList<>();
      for (Run run : runs.values()) {
        if (run.generateBy != null && nowNanos - run.generateBy > 0 && run.reason == null) {
          run.cancel(Reason.TIMED_OUT);
          overdue.add(run.fence);
        }
      }
      return overdue;
    }
  }

  /** Cancels every run, and every one begun from now on: the orchestrator stops. */
  public void stop() {
    synchronized (lock) {
      stopped = true;
      runs.values().forEach(run -> run.cancel(Reason.STOPPED));
    }
  }

  /** The fences of the runs that {@code keep} accepts, as they are now. */
  public Set<Fence> fences(Predicate<Fence> keep) {
    synchronized (lock) {
      return Set.copyOf(runs.keySet().stream().filter(keep).toList());
    }
  }

  /** One generation from its hand-over to a thread until it stored its outcome. */
  public final class Run implements AutoCloseable {
    private final Fence fence;
    private Thread worker;
    private Long generateBy; // ticker nanos; null when no timeout applies (now)
    private Reason reason;
    private boolean ended;

    private Run(Fence fence) {
      this.fence = fence;
    }

    /**
     * The run starts on the calling thread, and its generator is called now with {@code timeout}; a
     * cancel sent before interrupts it at once.
     */
    public void attach(Optional<Duration> timeout) {
      synchronized (lock) {
        worker = Thread.currentThread();
        generateBy = timeout.map(t -> ticker.nanoTime() + t.toNanos()).orElse(null);
        if (reason != null) {
          worker.interrupt();
        }
      }
    }

    /** Why the run was cancelled; empty while it was not. */
    public Optional<Reason> cancelled() {
      synchronized (lock) {
        return Optional.ofNullable(reason);
      }
    }

    /**
     * The generation returned: no timeout applies from now on. An interrupt that the timeout sent
     * just before is cleared from the worker, which calls this; the result exists and is stored.
     */
    public void generated() {
      boolean clearInterrupt;
      synchronized (lock) {
        generateBy = null;
        clearInterrupt = reason == Reason.TIMED_OUT;
        if (clearInterrupt) {
          reason = null;
        }
      }
      if (clearInterrupt) {
        Thread.interrupted();
      }
    }

    private void cancel(Reason why) {
      if (ended || reason != null) {
        return;
      }
      reason = why;
      if (worker != null) {
        worker.interrupt();
      }
    }

    /**
     * The run ended; an interrupt that a lost lease or the timeout sent, meant for the generation,
     * is cleared from the worker. A stop's is kept: the thread is to end.
     */
    @Override
    public void close() {
      boolean clearInterrupt;
      synchronized (lock) {
        ended = true;
        runs.remove(fence, this);
        clearInterrupt =
            (reason == Reason.FENCED_OUT || reason == Reason.TIMED_OUT)
                && Thread.currentThread() == worker;
      }
      if (clearInterrupt) {
        Thread.interrupted();
      }
    }
  }
}
