package dev.genie.http.internal.accesslog;

import dev.genie.http.internal.metrics.RequestTimers;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every exchange: gives it a request id and the {@code Genie-Storage} header,
 * and once it is answered, whatever answered it, a line in the access log and a sample in the
 * request timer ({@link RequestTimers}).
 */
public final class AccessLogHandler implements HttpHandler {
  public static final HttpString STORAGE_HEADER = HttpString.tryFromString("Genie-Storage");
  private static final Logger access = LoggerFactory.getLogger("dev.genie.http.access");

  private final String storage;
  private final RequestTimers timers;
  private final HttpHandler next;

  public AccessLogHandler(String storage, MeterRegistry registry, HttpHandler next) {
    this.storage = storage;
    this.timers = new RequestTimers(registry);
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    long started = System.nanoTime();
    RequestIds.assign(exchange);
    exchange.getResponseHeaders().put(STORAGE_HEADER, storage);
    exchange.addExchangeCompleteListener(
        (done, nextListener) -> {
          try {
            record(done, System.nanoTime() - started);
          } finally {
            nextListener.proceed();
          }
        });
    next.handleRequest(exchange);
  }

  private void record(HttpServerExchange exchange, long nanos) {
    timers.record(exchange, nanos);
    if (access.isInfoEnabled()) {
      access.info(
          "{} {} {} {}ms id={}",
          exchange.getRequestMethod(),
          exchange.getRequestPath(),
          exchange.getStatusCode(),
          TimeUnit.NANOSECONDS.toMillis(nanos),
          RequestIds.of(exchange));
    }
  }
}
