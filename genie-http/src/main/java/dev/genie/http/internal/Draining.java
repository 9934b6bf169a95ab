package dev.genie.http.internal;

import dev.genie.core.CoreErrorCode;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts requests in flight, and once a stop has begun answers new ones 503 so that a load balancer
 * sends them elsewhere while those in flight finish.
 */
public final class Draining implements HttpHandler {
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final HttpHandler next;

  public Draining(HttpHandler next) {
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (draining.get()) {
      exchange.setPersistent(false);
      HttpErrors.send(exchange, CoreErrorCode.SHUTTING_DOWN, "Genie is stopping; retry elsewhere");
      return;
    }
    inFlight.incrementAndGet();
    exchange.addExchangeCompleteListener(
        (done, nextListener) -> {
          inFlight.decrementAndGet();
          nextListener.proceed();
        });
    next.handleRequest(exchange);
  }

  /** From now on, answers new requests 503. */
  public void refuseNew() {
    draining.set(true);
  }

  /**
   * Refuses new requests, then waits up to {@code grace} for those in flight; true if all ended.
   */
  public boolean drain(Duration grace) throws InterruptedException {
    refuseNew();
    long deadline = System.nanoTime() + grace.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return inFlight.get() == 0;
  }

  public int inFlight() {
    return inFlight.get();
  }
}
