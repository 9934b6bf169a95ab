package dev.genie.http.telemetry;

import dev.genie.core.HandOver;
import dev.genie.generator.openai.UpstreamListener;
import dev.genie.http.internal.exchange.BodyHandler;
import io.undertow.server.HttpHandler;

/**
 * What the server reports beyond its Prometheus metrics: a span per request, a span per call to the
 * model's endpoint as the child of the request that caused it, and the GenAI client metrics. {@link
 * #OFF} changes nothing it is given, so that a server without it pays nothing.
 */
public interface Telemetry extends AutoCloseable {
  /** No telemetry: every handler and listener is returned as it was given. */
  Telemetry OFF = new Telemetry() {};

  /** Around the server's first handler: a span per request, ended when it is answered. */
  default HttpHandler requests(HttpHandler next) {
    return next;
  }

  /**
   * A route's handler run with its request's span current, so that what it starts (a generation) is
   * part of the request.
   */
  default BodyHandler withinRequest(BodyHandler handler) {
    return handler;
  }

  /** The listener of one surface's upstream calls, with their spans and the GenAI metrics. */
  default UpstreamListener upstream(UpstreamListener metrics) {
    return metrics;
  }

  /** What a generation started by a request takes along to its own thread. */
  default HandOver handOver() {
    return HandOver.NONE;
  }

  /** Exports what is still buffered and stops exporting. */
  @Override
  default void close() {}
}
