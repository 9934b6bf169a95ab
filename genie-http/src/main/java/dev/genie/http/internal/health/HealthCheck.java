package dev.genie.http.internal.health;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Whether the store answers, asked at most once per {@link #FRESH} whatever the rate of {@code
 * /health} calls, and never holding a caller longer than {@link #WAIT}: with the database gone, a
 * ping waits for its whole timeout, and callers (load balancers, or anyone) would otherwise each
 * hold a worker thread that long. One ping runs at a time, on a short-lived thread of its own.
 */
final class HealthCheck {
  /** How long an outcome is answered without asking again. */
  static final Duration FRESH = Duration.ofSeconds(1);

  /** How long a caller waits for a ping under way before it gets the last outcome. */
  static final Duration WAIT = Duration.ofMillis(250);

  /** The store's check: returns when it can serve, throws when it cannot. */
  @FunctionalInterface
  interface Probe {
    void ping();
  }

  /**
   * @param failure what went wrong, or null when the store answered
   */
  record Outcome(String failure, long atNanos) {
    boolean ok() {
      return failure == null;
    }
  }

  private final Probe probe;
  private final LongSupplier nanoTime;
  private Outcome last;
  private CompletableFuture<Outcome> running;

  HealthCheck(Probe probe, LongSupplier nanoTime) {
    this.probe = probe;
    this.nanoTime = nanoTime;
  }

  Outcome check() {
    CompletableFuture<Outcome> pending;
    synchronized (this) {
      if (last != null && nanoTime.getAsLong() - last.atNanos() < FRESH.toNanos()) {
        return last;
      }
      if (running == null) {
        running = new CompletableFuture<>();
        Thread ping = new Thread(this::ping, "genie-health");
        ping.setDaemon(true);
        ping.start();
      }
      pending = running;
    }
    try {
      return pending.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      synchronized (this) {
        return last != null && !last.ok()
            ? last
            : new Outcome(
                "the store has not answered a ping for " + WAIT.toMillis() + " ms",
                nanoTime.getAsLong());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome("interrupted while waiting for the store's ping", nanoTime.getAsLong());
    } catch (ExecutionException e) {
      throw new IllegalStateException("a ping's outcome is never exceptional; this is a bug", e);
    }
  }

  private void ping() {
    Outcome outcome;
    try {
      probe.ping();
      outcome = new Outcome(null, nanoTime.getAsLong());
    } catch (RuntimeException e) {
      outcome = new Outcome(String.valueOf(e.getMessage()), nanoTime.getAsLong());
    }
    CompletableFuture<Outcome> done;
    synchronized (this) {
      last = outcome;
      done = running;
      running = null;
    }
    done.complete(outcome);
  }
}
