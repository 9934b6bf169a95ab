package dev.genie.http.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every exchange: gives it a request id and the {@code Genie-Storage} header,
 * and once it is answered, whatever answered it, a line in the access log and a sample in the
 * request timer.
 */
public final class AccessLog implements HttpHandler {
  public static final HttpString STORAGE_HEADER = HttpString.tryFromString("Genie-Storage");
  private static final Logger access = LoggerFactory.getLogger("dev.genie.http.access");

  private final String storage;
  private final MeterRegistry registry;
  private final HttpHandler next;
  private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();

  /** A few routes times a few statuses: looked up per request rather than built and registered. */
  private record TimerKey(HttpString method, String route, int status) {}

  public AccessLog(String storage, MeterRegistry registry, HttpHandler next) {
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

  private Timer timer(TimerKey key) {
    return Timer.builder("genie.http.requests")
        .description("HTTP requests by route, method and status")
        .tag("method", key.method().toString())
        .tag("route", key.route())
        .tag("status", Integer.toString(key.status()))
        .register(registry);
  }

  private void record(HttpServerExchange exchange, long nanos) {
    TimerKey key =
        new TimerKey(
            exchange.getRequestMethod(), Routes.template(exchange), exchange.getStatusCode());
    timers.computeIfAbsent(key, this::timer).record(nanos, TimeUnit.NANOSECONDS);
    if (access.isInfoEnabled()) {
      access.info(
          "{} {} {} {}ms id={}",
          exchange.getRequestMethod(),
          exchange.getRequestPath(),
          key.status(),
          TimeUnit.NANOSECONDS.toMillis(nanos),
          RequestIds.of(exchange));
    }
  }
}
