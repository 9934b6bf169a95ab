package dev.genie.http.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.http.internal.accesslog.AccessLogHandler;
import dev.genie.http.internal.accesslog.AuditHandler;
import dev.genie.http.internal.exchange.BodyHandler;
import dev.genie.http.internal.exchange.Routes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.undertow.Undertow;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server span per request, with the route, status and Genie's own attributes; the request's span
 * current in its handler and carried to the thread a generation runs on.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TracedRequestsTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER_SPAN = "00f067aa0ba902b7";

  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private final InMemoryTelemetry otel = new InMemoryTelemetry();
  private final CompletableFuture<SpanData> generated = new CompletableFuture<>();
  private Undertow server;
  private URI base;

  @BeforeEach
  void start() {
    Telemetry telemetry = otel.telemetry;
    // A generation started by the request, on a thread of its own, reports a span there.
    BodyHandler completions =
        telemetry.withinRequest(
            (exchange, body) -> {
              Runnable generation =
                  telemetry
                      .handOver()
                      .carry(
                          () -> {
                            Span call = otel.sdk.getTracer("test").spanBuilder("chat").startSpan();
                            call.end();
                            generated.complete(
                                otel.finished().stream()
                                    .filter(span -> span.getName().equals("chat"))
                                    .findFirst()
                                    .orElseThrow());
                          });
              Thread thread = new Thread(generation);
              thread.start();
              thread.join();
              exchange.putAttachment(AuditHandler.PROMPT_ID, "p-123");
              exchange.getResponseHeaders().put(new HttpString("Genie-Cache"), "miss");
              exchange.getResponseSender().send("{}");
            });
    Routes routes =
        new Routes()
            .add(
                Methods.POST,
                "/v1/chat/completions",
                exchange -> completions.handleRequest(exchange, new byte[0]))
            .add(
                Methods.GET,
                "/prompts/{id}",
                exchange -> {
                  exchange.getResponseHeaders().put(new HttpString("Genie-Cache"), "hit");
                  exchange.getResponseSender().send("{}");
                })
            .add(
                Methods.GET,
                "/health",
                exchange -> {
                  exchange.setStatusCode(503);
                  exchange.endExchange();
                });
    server =
        Undertow.builder()
            .addHttpListener(0, "127.0.0.1")
            .setHandler(
                new AccessLogHandler(
                    "legacy", new SimpleMeterRegistry(), telemetry.requests(routes.handler())))
            .build();
    server.start();
    InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
    base = URI.create("http://127.0.0.1:" + address.getPort());
  }

  @AfterEach
  void stop() {
    server.stop();
    otel.close();
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The one server span, once ended: it ends when the exchange completes, which may be just after
   * the client has read the answer.
   */
  private SpanData serverSpan() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<SpanData> servers = servers();
    while (servers.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
      servers = servers();
    }
    assertThat(servers).hasSize(1);
    return servers.get(0);
  }

  private List<SpanData> servers() {
    return otel.finished().stream().filter(span -> span.getKind() == SpanKind.SERVER).toList();
  }

  @Test
  void aRequestIsAServerSpanWithItsRouteStatusCacheAndPrompt() throws Exception {
    send(
        HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
            .POST(HttpRequest.BodyPublishers.ofString("{}")));

    SpanData request = serverSpan();
    assertThat(request.getName()).isEqualTo("POST /v1/chat/completions");
    assertThat(request.getAttributes().get(AttributeKey.stringKey("http.request.method")))
        .isEqualTo("POST");
    assertThat(request.getAttributes().get(AttributeKey.stringKey("http.route")))
        .isEqualTo("/v1/chat/completions");
    assertThat(request.getAttributes().get(AttributeKey.longKey("http.response.status_code")))
        .isEqualTo(200L);
    assertThat(request.getAttributes().get(AttributeKey.stringKey("genie.surface")))
        .isEqualTo("v1");
    assertThat(request.getAttributes().get(AttributeKey.stringKey("genie.cache")))
        .isEqualTo("miss");
    assertThat(request.getAttributes().get(AttributeKey.stringKey("genie.prompt.id")))
        .isEqualTo("p-123");
    assertThat(request.getAttributes().get(AttributeKey.stringKey("genie.request.id")))
        .isNotBlank();
    assertThat(request.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void whatTheRequestStartsOnAnotherThreadIsItsChild() throws Exception {
    send(
        HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
            .POST(HttpRequest.BodyPublishers.ofString("{}")));

    SpanData call = generated.get(10, TimeUnit.SECONDS);
    SpanData request = serverSpan();
    assertThat(call.getParentSpanId()).isEqualTo(request.getSpanId());
    assertThat(call.getTraceId()).isEqualTo(request.getTraceId());
  }

  @Test
  void aCallersTraceparentMakesTheRequestPartOfItsTrace() throws Exception {
    send(
        HttpRequest.newBuilder(base.resolve("/prompts/p-9"))
            .header("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01")
            .GET());

    SpanData request = serverSpan();
    assertThat(request.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(request.getParentSpanId()).isEqualTo(CALLER_SPAN);
    assertThat(request.getName()).isEqualTo("GET /prompts/{id}");
    assertThat(request.getAttributes().get(AttributeKey.stringKey("genie.surface")))
        .isEqualTo("prompts");
    assertThat(request.getAttributes().get(AttributeKey.stringKey("genie.prompt.id")))
        .isEqualTo("p-9");
    assertThat(request.getAttributes().get(AttributeKey.stringKey("genie.cache"))).isEqualTo("hit");
  }

  @Test
  void aServerErrorMarksTheSpanAndAnUnknownPathHasNoRoute() throws Exception {
    send(HttpRequest.newBuilder(base.resolve("/health")).GET());
    SpanData health = serverSpan();
    assertThat(health.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(health.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("503");
    assertThat(health.getAttributes().get(AttributeKey.stringKey("genie.surface"))).isNull();
    otel.spans.reset();

    send(HttpRequest.newBuilder(base.resolve("/nowhere")).GET());
    SpanData unknown = serverSpan();
    assertThat(unknown.getName()).isEqualTo("GET");
    assertThat(unknown.getAttributes().get(AttributeKey.stringKey("http.route"))).isNull();
    assertThat(unknown.getAttributes().get(AttributeKey.longKey("http.response.status_code")))
        .isEqualTo(404L);
  }
}
