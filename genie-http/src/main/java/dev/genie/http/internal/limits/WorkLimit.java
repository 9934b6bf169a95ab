package dev.genie.http.internal.limits;

import dev.genie.core.CoreErrorCode;
import dev.genie.http.internal.errors.HttpErrors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the requests that run on worker threads at once ({@code GENIE_MAX_CONCURRENT_REQUESTS}),
 * queues a bounded number more ({@code GENIE_MAX_QUEUED_REQUESTS}) and sheds the rest with 503. A
 * request holds its slot only while its handler runs: not while its body arrives, and not while it
 * waits, parked, for a result, so that neither slow uploads nor waiting callers can keep {@code
 * /health}, {@code /metrics}, reads and completed prompts from being served.
 */
public final class WorkLimit {
  private final int maxRunning;
  private final int maxQueued;
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger queued = new AtomicInteger();
  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();

  public WorkLimit(int maxRunning, int maxQueued) {
    this.maxRunning = maxRunning;
    this.maxQueued = maxQueued;
  }

  /** Runs {@code next} on a worker thread when a slot is free. */
  public void dispatch(HttpServerExchange exchange, HttpHandler next) {
    Runnable start =
        () ->
            exchange.dispatch(
                dispatched -> {
                  try {
                    next.handleRequest(dispatched);
                  } finally {
                    release();
                  }
                });
    if (tryAcquire()) {
      start.run();
      return;
    }
    if (queued.incrementAndGet() > maxQueued) {
      queued.decrementAndGet();
      HttpErrors.send(
          exchange,
          CoreErrorCode.OVERLOADED,
          "too many requests in flight (GENIE_MAX_CONCURRENT_REQUESTS, "
              + "GENIE_MAX_QUEUED_REQUESTS); retry shortly");
      return;
    }
    // Through a dispatch: in a handler's call, that keeps the exchange open once the call returns.
    exchange.dispatch(
        SameThreadExecutor.INSTANCE,
        () -> {
          queue.add(start);
          drain(); // a slot may have come free since the attempt above
        });
  }

  private boolean tryAcquire() {
    if (running.incrementAndGet() <= maxRunning) {
      return true;
    }
    running.decrementAndGet();
    return false;
  }

  private void release() {
    running.decrementAndGet();
    drain();
  }

  private void drain() {
    while (!queue.isEmpty() && tryAcquire()) {
      Runnable next = queue.poll();
      if (next == null) {
        running.decrementAndGet();
        return;
      }
      queued.decrementAndGet();
      next.run();
    }
  }
}
