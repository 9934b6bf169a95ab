package dev.genie.it.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * Runs N tasks on N threads released at the same instant, to open the widest race window, and fails
 * instead of hanging when any task outlives the timeout.
 */
public final class Burst {
  private static final int STACK_FRAMES_SHOWN = 12;

  private final int size;
  private final Duration timeout;

  public Burst(int size, Duration timeout) {
    if (size < 1) {
      throw new IllegalArgumentException("a burst needs at least 1 task: " + size);
    }
    this.size = size;
    this.timeout = timeout;
  }

  /** A burst of {@code -Dgenie.it.n} tasks bounded by {@code -Dgenie.it.timeoutMs}. */
  public static Burst of(ItSettings settings) {
    return new Burst(settings.n(), settings.timeout());
  }

  public int size() {
    return size;
  }

  /** Task {@code i} posts {@code prompts.apply(i)} through {@code client}, recorded in history. */
  public void post(History history, GenieClient client, IntFunction<String> prompts) {
    post(history, i -> client, prompts);
  }

  /**
   * Task {@code i} posts {@code prompts.apply(i)} through {@code clients.apply(i)} (for several
   * instances), recorded in history. Failed requests are recorded, not thrown.
   */
  public void post(History history, IntFunction<GenieClient> clients, IntFunction<String> prompts) {
    run(i -> history.send(i, clients.apply(i), prompts.apply(i)));
  }

  /**
   * Starts the tasks, releases them together once all threads are ready, and waits for all.
   *
   * @throws AssertionError when a task is still running at the timeout (it is interrupted) or a
   *     task threw
   */
  public void run(IntConsumer task) {
    CountDownLatch ready = new CountDownLatch(size);
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(size);
    AtomicReferenceArray<Throwable> failures = new AtomicReferenceArray<>(size);
    boolean[] finished = new boolean[size];
    Thread[] threads = new Thread[size];
    for (int i = 0; i < size; i++) {
      int index = i;
      threads[i] =
          new Thread(
              () -> {
                ready.countDown();
                try {
                  go.await();
                  task.accept(index);
                } catch (Throwable e) {
                  failures.set(index, e);
                } finally {
                  synchronized (finished) {
                    finished[index] = true;
                  }
                  done.countDown();
                }
              },
              "burst-" + i);
      // A stuck request must not keep the test JVM alive.
      threads[i].setDaemon(true);
      threads[i].start();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (ready.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        go.countDown();
        if (done.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
          throwFailures(failures);
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Arrays.stream(threads).forEach(Thread::interrupt);
      throw new AssertionError("interrupted while waiting for a burst of " + size + " tasks", e);
    }
    throw timedOut(threads, finished, go.getCount() > 0);
  }

  private AssertionError timedOut(Thread[] threads, boolean[] finished, boolean neverReleased) {
    List<Integer> stuck = new ArrayList<>();
    synchronized (finished) {
      for (int i = 0; i < size; i++) {
        if (!finished[i]) {
          stuck.add(i);
        }
      }
    }
    StringBuilder message =
        new StringBuilder()
            .append(stuck.size())
            .append(" of ")
            .append(size)
            .append(" burst tasks were still running after ")
            .append(timeout.toMillis())
            .append(" ms")
            .append(neverReleased ? " (the threads never all started)" : "")
            .append(": tasks ")
            .append(stuck.size() > 20 ? stuck.subList(0, 20) + "…" : stuck)
            .append("; raise -Dgenie.it.timeoutMs if the machine is just slow.");
    if (!stuck.isEmpty()) {
      Thread first = threads[stuck.get(0)];
      message.append("\n").append(first.getName()).append(" was at:");
      StackTraceElement[] stack = first.getStackTrace();
      for (int i = 0; i < Math.min(STACK_FRAMES_SHOWN, stack.length); i++) {
        message.append("\n\tat ").append(stack[i]);
      }
    }
    stuck.forEach(i -> threads[i].interrupt());
    return new AssertionError(message.toString());
  }

  private void throwFailures(AtomicReferenceArray<Throwable> failures) {
    List<Integer> failed = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      if (failures.get(i) != null) {
        failed.add(i);
      }
    }
    if (failed.isEmpty()) {
      return;
    }
    Throwable first = failures.get(failed.get(0));
    AssertionError error =
        new AssertionError(
            failed.size()
                + " of "
                + size
                + " burst tasks threw; task "
                + failed.get(0)
                + ": "
                + first,
            first);
    failed.stream().skip(1).limit(10).forEach(i -> error.addSuppressed(failures.get(i)));
    throw error;
  }
}
