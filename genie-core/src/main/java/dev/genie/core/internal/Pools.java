package dev.genie.core.internal;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every thread of one orchestrator, in four named pools of fixed size. Built with the orchestrator
 * but empty until it starts: a pool makes a thread for its first task, and none is handed one
 * before {@code Orchestrator.start()}.
 */
public final class Pools {
  /** Threads that read pending results again for every waiter of this process. */
  private static final int READ_THREADS = 4;

  /**
   * {@code genie-timer}, one thread: tasks that never wait (deadlines, the pollers' wakes, the end
   * of a wait in line), so that thousands of answers due at once leave on time.
   */
  public final ScheduledExecutorService timer;

  /**
   * {@code genie-leases}, two threads: the renewal loop and the sweep, the periodic duties whose
   * statements may wait for the store; one each, so that a slow sweep never delays a renewal.
   */
  public final ScheduledExecutorService leases;

  /**
   * {@code genie-wait}, {@value #READ_THREADS} threads: the pollers' reads and what a stop does,
   * which may wait for the store. Its line is not bounded, but holds at most one wake per result
   * watched and one claim per caller whose slot came.
   */
  public final ExecutorService reads;

  /**
   * {@code genie-generate}, one thread per generation slot: the runs that nobody waits on. Every
   * run handed to it holds a slot of the {@link GenerationQueue}; its line, as long as the slots,
   * holds a run whose slot was given back by a run still finishing on its thread.
   */
  public final ExecutorService generations;

  public Pools(int generationSlots) {
    this.timer = new ScheduledThreadPoolExecutor(1, daemon("genie-timer"));
    this.leases = new ScheduledThreadPoolExecutor(2, daemon("genie-leases"));
    this.reads =
        new ThreadPoolExecutor(
            READ_THREADS,
            READ_THREADS,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            daemon("genie-wait"));
    this.generations =
        new ThreadPoolExecutor(
            generationSlots,
            generationSlots,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(generationSlots),
            daemon("genie-generate"));
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
