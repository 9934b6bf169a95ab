package dev.genie.http.internal.limits;

import dev.genie.core.CoreErrorCode;
import dev.genie.http.internal.errors.HttpErrors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts requests in flight, and once a stop has begun answers new ones 503 so that a load balancer
 * sends them elsewhere while those in flight finish. The count and the stop share one atomic word,
 * and a request is counted before the stop is checked (as Undertow's GracefulShutdownHandler does):
 * a drain that has seen the count at zero with the stop set can never be followed by a request.
 */
public final class DrainingHandler implements HttpHandler {
  private static final long DRAINING = 1L << 62;
  private static final long COUNT = DRAINING - 1;

  private final AtomicLong state = new AtomicLong();
  private final HttpHandler next;

  public DrainingHandler(HttpHandler next) {
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (!enter()) {
      exchange.setPersistent(false);
      HttpErrors.send(exchange, CoreErrorCode.SHUTTING_DOWN, "Genie is stopping; retry elsewhere");
      return;
    }
    exchange.addExchangeCompleteListener(
        (done, nextListener) -> {
          exit();
          nextListener.proceed();
        });
    next.handleRequest(exchange);
  }

  /** Counts a request in, unless a stop has begun; false (and not counted) then. */
  boolean enter() {
    if ((state.incrementAndGet() & DRAINING) == 0) {
      return true;
    }
    exit();
    return false;
  }

  /** Counts a request out. */
  void exit() {
    state.decrementAndGet();
  }

  /** From now on, answers new requests 503. */
  public void refuseNew() {
    state.getAndUpdate(current -> current | DRAINING);
  }

  /**
   * Refuses new requests, then waits up to {@code grace} for those in flight; true if all ended.
   */
  public boolean drain(Duration grace) throws InterruptedException {
    refuseNew();
    long deadline = System.nanoTime() + grace.toNanos();
    while (inFlight() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return inFlight() == 0;
  }

  /** Requests counted in and not yet out; a refused one counts for an instant, as it is refused. */
  public int inFlight() {
    return (int) (state.get() & COUNT);
  }
}
