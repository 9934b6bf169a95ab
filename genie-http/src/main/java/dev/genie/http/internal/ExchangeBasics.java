package dev.genie.http.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every exchange gets, whatever answers it: a request id, the {@code Genie-Storage} header, a
 * line in the access log, and a sample in the request timer.
 */
public final class ExchangeBasics implements HttpHandler {
  public static final HttpString STORAGE_HEADER = HttpString.tryFromString("Genie-Storage");
  private static final Logger access = LoggerFactory.getLogger("dev.genie.http.access");

  private final String storage;
  private final MeterRegistry registry;
  private final HttpHandler next;

  public ExchangeBasics(String storage, MeterRegistry registry, HttpHandler next) {
    this.storage = storage;
    this.registry = registry;
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
    String route = exchange.getAttachment(Routes.TEMPLATE);
    String status = Integer.toString(exchange.getStatusCode());
    Timer.builder("genie.http.requests")
        .description("HTTP requests by route, method and status")
        .tag("method", exchange.getRequestMethod().toString())
        .tag("route", route == null ? "unmatched" : route)
        .tag("status", status)
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
    if (access.isInfoEnabled()) {
      access.info(
          "{} {} {} {}ms id={}",
          exchange.getRequestMethod(),
          exchange.getRequestPath(),
          status,
          TimeUnit.NANOSECONDS.toMillis(nanos),
          RequestIds.of(exchange));
    }
  }
}
