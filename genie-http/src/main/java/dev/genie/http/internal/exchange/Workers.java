package dev.genie.http.internal.exchange;

import dev.genie.http.internal.auth.Admission;
import dev.genie.http.internal.errors.HttpErrorCode;
import dev.genie.http.internal.errors.HttpErrors;
import dev.genie.http.internal.limits.WorkLimit;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * How a route's handler runs: an expectation other than {@code 100-continue} is refused, the caller
 * is admitted on a worker thread (for routes that take a body, before a byte of it is read or
 * {@code 100 Continue} is sent, so that a caller without a valid key costs no body; admission is
 * cheap, bounded by the key cache, and holds no slot of the {@link WorkLimit}), the body is read on
 * the IO thread, and then the handler runs on a worker thread within the limit. Whatever the
 * handler throws is answered as a JSON error, so no stack trace reaches a caller.
 */
public final class Workers {
  private static final String CONTINUE = "100-continue";

  private final BodyReader bodies;
  private final WorkLimit work;
  private final Admission admission;

  public Workers(BodyReader bodies, WorkLimit work, Admission admission) {
    this.bodies = bodies;
    this.work = work;
    this.admission = admission;
  }

  /** For routes without a body. */
  public HttpHandler run(HttpHandler handler) {
    HttpHandler admitted = admitted(handler);
    return exchange -> {
      if (expectationMet(exchange)) {
        work.dispatch(exchange, admitted);
      }
    };
  }

  /** For routes that take a body: {@code handler} gets it whole. */
  public HttpHandler runWithBody(BodyHandler handler) {
    return exchange -> {
      if (expectationMet(exchange)) {
        // Admitted outside the work limit: a slot is held only while a handler runs, and taking
        // one here, then another for the handler, could shed a request against its own slot.
        exchange.dispatch(
            admitted(
                admitted ->
                    bodies.read(
                        admitted,
                        (read, body) ->
                            work.dispatch(
                                read, answered(handled -> handler.handleRequest(handled, body))))));
      }
    };
  }

  private HttpHandler admitted(HttpHandler handler) {
    return answered(
        exchange -> {
          admission.admit(exchange);
          handler.handleRequest(exchange);
        });
  }

  private static HttpHandler answered(HttpHandler handler) {
    return exchange -> {
      try {
        handler.handleRequest(exchange);
      } catch (Throwable failure) {
        HttpErrors.send(exchange, failure);
      }
    };
  }

  private static boolean expectationMet(HttpServerExchange exchange) {
    String expect = exchange.getRequestHeaders().getFirst(Headers.EXPECT);
    if (expect == null || expect.equalsIgnoreCase(CONTINUE)) {
      return true;
    }
    exchange.setPersistent(false); // the body, if any, was never read
    HttpErrors.send(
        exchange,
        HttpErrorCode.EXPECTATION_FAILED,
        "the only expectation Genie meets is Expect: 100-continue");
    return false;
  }
}
