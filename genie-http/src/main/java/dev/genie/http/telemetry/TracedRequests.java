package dev.genie.http.telemetry;

import dev.genie.http.internal.accesslog.AuditHandler;
import dev.genie.http.internal.accesslog.RequestIds;
import dev.genie.http.internal.exchange.Routes;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;
import java.util.ArrayList;
import java.util.List;

/**
 * A server span per request, in the HTTP semantic conventions ({@code http.request.method}, {@code
 * http.route}, {@code http.response.status_code}), with what Genie knows of it: {@code
 * genie.surface}, {@code genie.cache} (the {@code Genie-Cache} answer) and {@code genie.prompt.id}.
 * A caller's {@code traceparent} makes it part of the caller's trace. Ended when the answer is
 * complete, whatever answered it.
 */
final class TracedRequests implements HttpHandler {
  /** The request's span in its context, for the handlers that run on worker threads. */
  static final AttachmentKey<Context> CONTEXT = AttachmentKey.create(Context.class);

  static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
  static final AttributeKey<String> SCHEME = AttributeKey.stringKey("url.scheme");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> SURFACE = AttributeKey.stringKey("genie.surface");
  static final AttributeKey<String> CACHE = AttributeKey.stringKey("genie.cache");
  static final AttributeKey<String> PROMPT_ID = AttributeKey.stringKey("genie.prompt.id");
  static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("genie.request.id");

  private static final HttpString GENIE_CACHE = new HttpString("Genie-Cache");

  private static final TextMapGetter<HttpServerExchange> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpServerExchange exchange) {
          List<String> names = new ArrayList<>();
          exchange.getRequestHeaders().getHeaderNames().forEach(name -> names.add(name.toString()));
          return names;
        }

        @Override
        public String get(HttpServerExchange exchange, String key) {
          if (exchange == null) {
            return null;
          }
          HeaderValues values = exchange.getRequestHeaders().get(key);
          return values == null ? null : values.getFirst();
        }
      };

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final HttpHandler next;

  TracedRequests(OpenTelemetry openTelemetry, HttpHandler next) {
    this.tracer = openTelemetry.getTracer(OpenTelemetryTelemetry.SCOPE);
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    Context parent = propagator.extract(Context.root(), exchange, HEADERS);
    String method = exchange.getRequestMethod().toString();
    Span span =
        tracer
            .spanBuilder(method)
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .setAttribute(METHOD, method)
            .setAttribute(PATH, exchange.getRequestPath())
            .setAttribute(SCHEME, exchange.getRequestScheme())
            .startSpan();
    Context context = parent.with(span);
    exchange.putAttachment(CONTEXT, context);
    exchange.addExchangeCompleteListener(
        (done, nextListener) -> {
          try {
            end(span, done);
          } finally {
            nextListener.proceed();
          }
        });
    next.handleRequest(exchange);
  }

  private static void end(Span span, HttpServerExchange exchange) {
    String route = Routes.template(exchange);
    int status = exchange.getStatusCode();
    if (!Routes.UNMATCHED.equals(route)) {
      span.updateName(exchange.getRequestMethod() + " " + route);
      span.setAttribute(ROUTE, route);
      String surface = surface(route);
      if (surface != null) {
        span.setAttribute(SURFACE, surface);
      }
    }
    span.setAttribute(STATUS, status);
    span.setAttribute(REQUEST_ID, RequestIds.of(exchange));
    String cache = exchange.getResponseHeaders().getFirst(GENIE_CACHE);
    if (cache != null) {
      span.setAttribute(CACHE, cache);
    }
    String promptId = exchange.getAttachment(AuditHandler.PROMPT_ID);
    if (promptId == null) {
      promptId = Routes.id(exchange);
    }
    if (promptId != null) {
      span.setAttribute(PROMPT_ID, promptId);
    }
    if (status >= 500) {
      // A server span's error is the server's: 4xx answers are the caller's.
      span.setAttribute(ERROR_TYPE, Integer.toString(status));
      span.setStatus(StatusCode.ERROR);
    }
    span.end();
  }

  /** The surface a route belongs to, as the metrics' {@code surface} label names it; or null. */
  static String surface(String route) {
    if (route.startsWith("/v1/")) {
      return "v1";
    }
    if (route.equals("/prompt") || route.startsWith("/prompts")) {
      return "prompts";
    }
    return null;
  }
}
