package dev.genie.http.internal.metrics;

import dev.genie.http.internal.exchange.Routes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The request timer, {@code genie_http_requests_seconds{method,route,status}}. Its labels take a
 * bounded set of values whatever callers send: a method outside HTTP's registered few is {@value
 * #OTHER_METHOD}, a path that matched no route is {@link Routes#UNMATCHED}, and a status has three
 * digits; so the timers, and this map of them, stay a few dozen.
 */
public final class RequestTimers {
  /** What the method label says for a method not in {@link #METHODS}. */
  static final String OTHER_METHOD = "other";

  /** The methods of RFC 9110 and PATCH: each its own label value. */
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  /** A few routes times a few statuses: looked up per request rather than built and registered. */
  private record TimerKey(String method, String route, int status) {}

  private final MeterRegistry registry;
  private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();

  public RequestTimers(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Records an answered exchange that took {@code nanos}. */
  public void record(HttpServerExchange exchange, long nanos) {
    TimerKey key =
        new TimerKey(
            method(exchange.getRequestMethod()),
            Routes.template(exchange),
            exchange.getStatusCode());
    timers.computeIfAbsent(key, this::timer).record(nanos, TimeUnit.NANOSECONDS);
  }

  private Timer timer(TimerKey key) {
    return Timer.builder("genie.http.requests")
        .description("HTTP requests by route, method and status")
        .tag("method", key.method())
        .tag("route", key.route())
        .tag("status", Integer.toString(key.status()))
        .register(registry);
  }

  /** The method's label value: itself when registered, else {@value #OTHER_METHOD}. */
  static String method(HttpString method) {
    String name = method.toString();
    return METHODS.contains(name) ? name : OTHER_METHOD;
  }
}
