package dev.genie.http.internal.accesslog;

import dev.genie.http.internal.exchange.Routes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every exchange: gives it a request id and the {@code Genie-Storage} header,
 * and once it is answered, whatever answered it, a line in the access log and a sample in the
 * request timer. The timer's labels take a bounded set of values whatever callers send: a method
 * outside HTTP's registered few is {@value #OTHER_METHOD}, a path that matched no route is {@link
 * Routes#UNMATCHED}, and a status has three digits; so the timers, and this map of them, stay a few
 * dozen.
 */
public final class AccessLogHandler implements HttpHandler {
  public static final HttpString STORAGE_HEADER = HttpString.tryFromString("Genie-Storage");
  private static final Logger access = LoggerFactory.getLogger("dev.genie.http.access");

  private final String storage;
  private final MeterRegistry registry;
  private final HttpHandler next;
  private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();

  /** What the method label says for a method not in {@link #METHODS}. */
  static final String OTHER_METHOD = "other";

  /** The methods of RFC 9110 and PATCH: each its own label value. */
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  /** A few routes times a few statuses: looked up per request rather than built and registered. */
  private record TimerKey(String method, String route, int status) {}

  public AccessLogHandler(String storage, MeterRegistry registry, HttpHandler next) {
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
        .tag("method", key.method())
        .tag("route", key.route())
        .tag("status", Integer.toString(key.status()))
        .register(registry);
  }

  private void record(HttpServerExchange exchange, long nanos) {
    TimerKey key =
        new TimerKey(
            method(exchange.getRequestMethod()),
            Routes.template(exchange),
            exchange.getStatusCode());
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

  /** The method's label value: itself when registered, else {@value #OTHER_METHOD}. */
  static String method(HttpString method) {
    String name = method.toString();
    return METHODS.contains(name) ? name : OTHER_METHOD;
  }
}
