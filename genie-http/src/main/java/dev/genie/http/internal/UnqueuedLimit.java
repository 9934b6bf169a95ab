package dev.genie.http.internal;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code max} requests in flight and none waiting: the others go to {@code refused} at
 * once. It serves {@code GENIE_MAX_QUEUED_REQUESTS=0}, which Undertow's {@code RequestLimit} would
 * read as a queue without bound.
 */
public final class UnqueuedLimit implements HttpHandler {
  private final int max;
  private final HttpHandler next;
  private final HttpHandler refused;
  private final AtomicInteger inFlight = new AtomicInteger();

  public UnqueuedLimit(int max, HttpHandler next, HttpHandler refused) {
    this.max = max;
    this.next = next;
    this.refused = refused;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (inFlight.incrementAndGet() > max) {
      inFlight.decrementAndGet();
      refused.handleRequest(exchange);
      return;
    }
    exchange.addExchangeCompleteListener(
        (done, nextListener) -> {
          inFlight.decrementAndGet();
          nextListener.proceed();
        });
    next.handleRequest(exchange);
  }
}
