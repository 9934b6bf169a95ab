package dev.genie.http.internal.limits;

import dev.genie.core.CoreErrorCode;
import dev.genie.http.internal.errors.HttpErrors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import java.util.ArrayDeque;

/**
 * Bounds the requests that run on worker threads at once ({@code GENIE_MAX_CONCURRENT_REQUESTS}),
 * queues a bounded number more ({@code GENIE_MAX_QUEUED_REQUESTS}) and sheds the rest with 503. A
 * request holds its slot only while its handler runs: not while its body arrives, and not while it
 * waits, parked, for a result, so that neither slow uploads nor waiting callers can keep {@code
 * /health}, {@code /metrics}, reads and completed prompts from being served. A queued request waits
 * for a slot with no time bound of its own: the queue's length bounds it, and a handler that ends
 * hands its slot to the oldest. The counts and the queue are kept under one lock.
 */
public final class WorkLimit {
  /** What became of a request that asked for a slot. */
  enum Admitted {
    RUN,
    QUEUE,
    SHED
  }

  private final int maxRunning;
  private final int maxQueued;
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private int running;

  /** Places in the queue taken: the requests in it, and those admitted but not yet in it. */
  private int queued;

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
    switch (admit()) {
      case RUN -> start.run();
      case QUEUE ->
          // Through a dispatch: in a handler's call, that keeps the exchange open once the call
          // returns.
          exchange.dispatch(SameThreadExecutor.INSTANCE, () -> enqueue(start));
      case SHED ->
          HttpErrors.send(
              exchange,
              CoreErrorCode.OVERLOADED,
              "too many requests in flight (GENIE_MAX_CONCURRENT_REQUESTS, "
                  + "GENIE_MAX_QUEUED_REQUESTS); retry shortly");
    }
  }

  /** Takes a slot, else a place in the queue, else neither. */
  synchronized Admitted admit() {
    if (running < maxRunning) {
      running++;
      return Admitted.RUN;
    }
    if (queued < maxQueued) {
      queued++;
      return Admitted.QUEUE;
    }
    return Admitted.SHED;
  }

  /**
   * Puts {@code start} in the place {@link #admit} kept for it, or runs it at once when a slot came
   * free since.
   */
  void enqueue(Runnable start) {
    synchronized (this) {
      if (running >= maxRunning) {
        queue.add(start);
        return;
      }
      running++;
      queued--;
    }
    start.run();
  }

  /** A handler ended: its slot goes to the oldest queued request, or comes free. */
  void release() {
    Runnable next;
    synchronized (this) {
      next = queue.poll();
      if (next == null) {
        running--;
        return;
      }
      queued--;
    }
    next.run();
  }
}
