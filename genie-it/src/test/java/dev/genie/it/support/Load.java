package dev.genie.it.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

/**
 * Steady load for fault tests: a few clients, each posting a prompt as soon as the last one was
 * answered, until stopped; every exchange is recorded in the history. By default every prompt is
 * distinct, so no request waits for another's generation.
 */
public final class Load implements AutoCloseable {
  /** The prompt that client {@code client} sends as its {@code n}th request. */
  @FunctionalInterface
  public interface Prompts {
    String prompt(int client, int n);
  }

  private static final Duration PAUSE_AFTER_FAILURE = Duration.ofMillis(50);

  private final History history;
  private final IntFunction<GenieClient> clients;
  private final Prompts prompts;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();

  private Load(History history, IntFunction<GenieClient> clients, Prompts prompts) {
    this.history = history;
    this.clients = clients;
    this.prompts = prompts;
  }

  /** Starts {@code clients} threads posting {@code "<prefix> <client>-<n>"}. */
  public static Load start(History history, GenieClient client, int clients, String prefix) {
    return start(history, i -> client, clients, (c, n) -> prefix + " " + c + "-" + n);
  }

  /**
   * Starts {@code threads} clients, client {@code c} posting {@code prompts.prompt(c, n)} through
   * {@code clients.apply(c)}: for several instances, and prompts that clients share.
   */
  public static Load start(
      History history, IntFunction<GenieClient> clients, int threads, Prompts prompts) {
    Load load = new Load(history, clients, prompts);
    for (int c = 0; c < threads; c++) {
      int index = c;
      Thread thread = new Thread(() -> load.run(index), "load-" + c);
      thread.setDaemon(true);
      load.threads.add(thread);
      thread.start();
    }
    return load;
  }

  private void run(int index) {
    for (int n = 0; running.get() && !Thread.currentThread().isInterrupted(); n++) {
      Exchange exchange = history.send(index, clients.apply(index), prompts.prompt(index, n));
      if (!exchange.isSuccess()) {
        pauseAfterFailure();
      }
    }
  }

  /**
   * A client that was refused waits a moment before it asks again, as a polite one does: a crowd of
   * instant 503s would otherwise take the CPU from the recovery it is waiting for.
   */
  private static void pauseAfterFailure() {
    try {
      Thread.sleep(PAUSE_AFTER_FAILURE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits until at least {@code count} requests of this load were answered 2xx. */
  public void awaitSuccesses(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (successes() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "the load got fewer than " + count + " 2xx within " + timeout + ": " + history);
      }
      Thread.sleep(20);
    }
  }

  /**
   * Waits for {@code run} successes in a row among the requests started at or after {@code
   * sinceNanos} (on the history's clock) and returns how long after it the first of them started.
   *
   * @throws AssertionError when there is no such run within {@code timeout}
   */
  public long awaitRecovery(int run, long sinceNanos, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      List<Exchange> after =
          history.exchanges().stream().filter(e -> e.invokeNanos() >= sinceNanos).toList();
      int inARow = 0;
      for (int i = 0; i < after.size(); i++) {
        inARow = after.get(i).isSuccess() ? inARow + 1 : 0;
        if (inARow == run) {
          long first = after.get(i - run + 1).invokeNanos();
          return Math.max(0, (first - sinceNanos) / 1_000_000);
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError(
        "no " + run + " successes in a row within " + timeout + ": " + history.summary());
  }

  private long successes() {
    return history.exchanges().stream().filter(Exchange::isSuccess).count();
  }

  /**
   * Stops sending and waits for the requests in flight to be answered.
   *
   * @throws AssertionError when a client is still waiting after {@code timeout}
   */
  public void stop(Duration timeout) throws InterruptedException {
    running.set(false);
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread thread : threads) {
      thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      if (thread.isAlive()) {
        thread.interrupt();
        throw new AssertionError(thread.getName() + " still waited for an answer after " + timeout);
      }
    }
  }

  @Override
  public void close() {
    running.set(false);
    threads.forEach(Thread::interrupt);
  }
}
