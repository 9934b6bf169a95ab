package dev.genie.http.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.core.generate.Usage;
import dev.genie.generator.openai.UpstreamCall;
import dev.genie.generator.openai.UpstreamListener;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Upstream calls as GenAI client spans and metrics, read back from the SDK's in-memory exporters.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TracedUpstreamTest {
  private static final URI ENDPOINT = URI.create("https://models.example.com:8443/v1");
  private static final Instant STARTED = Instant.parse("2026-12-08T00:00:00Z");
  private static final UpstreamCall.Asked ASKED =
      new UpstreamCall.Asked("gpt-4o-mini", 0.2, 256L, ENDPOINT);

  private final InMemoryTelemetry otel = new InMemoryTelemetry();
  private final AtomicInteger metricsCalls = new AtomicInteger();
  private final UpstreamListener metrics =
      new UpstreamListener() {
        @Override
        public void called(String outcome, int status, Duration duration) {
          metricsCalls.incrementAndGet();
        }
      };
  private final UpstreamListener listener = otel.telemetry.upstream(metrics);

  @AfterEach
  void close() {
    otel.close();
  }

  private static UpstreamCall ok() {
    return new UpstreamCall(
        ASKED,
        new UpstreamCall.Reply(
            "chatcmpl-42", "gpt-4o-mini-2024-07-18", List.of("stop"), new Usage(12, 34)),
        "ok",
        200,
        STARTED,
        Duration.ofMillis(1500));
  }

  @Test
  void aCallIsAClientSpanInTheGenAiConventionsUnderTheCurrentSpan() {
    Span request = otel.sdk.getTracer("test").spanBuilder("POST /v1/chat/completions").startSpan();
    try (Scope ignored = request.makeCurrent()) {
      listener.called("ok", 200, Duration.ofMillis(1500));
      listener.traced(ok());
    }
    request.end();

    assertThat(metricsCalls).as("the metrics listener is still told").hasValue(1);
    SpanData call = otel.finished().get(0);
    assertThat(call.getName()).isEqualTo("chat gpt-4o-mini");
    assertThat(call.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(call.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
    assertThat(call.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
    assertThat(call.getStartEpochNanos())
        .isEqualTo(TimeUnit.SECONDS.toNanos(STARTED.getEpochSecond()));
    assertThat(call.getEndEpochNanos() - call.getStartEpochNanos())
        .isEqualTo(TimeUnit.MILLISECONDS.toNanos(1500));
    Attributes attributes = call.getAttributes();
    assertThat(attributes.get(AttributeKey.stringKey("gen_ai.operation.name"))).isEqualTo("chat");
    assertThat(attributes.get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("openai");
    assertThat(attributes.get(AttributeKey.stringKey("gen_ai.system"))).isEqualTo("openai");
    assertThat(attributes.get(AttributeKey.stringKey("gen_ai.request.model")))
        .isEqualTo("gpt-4o-mini");
    assertThat(attributes.get(AttributeKey.longKey("gen_ai.request.max_tokens"))).isEqualTo(256L);
    assertThat(attributes.get(AttributeKey.doubleKey("gen_ai.request.temperature"))).isEqualTo(0.2);
    assertThat(attributes.get(AttributeKey.stringKey("gen_ai.response.model")))
        .isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(attributes.get(AttributeKey.stringKey("gen_ai.response.id")))
        .isEqualTo("chatcmpl-42");
    assertThat(attributes.get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons")))
        .containsExactly("stop");
    assertThat(attributes.get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isEqualTo(12L);
    assertThat(attributes.get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isEqualTo(34L);
    assertThat(attributes.get(AttributeKey.stringKey("server.address")))
        .isEqualTo("models.example.com");
    assertThat(attributes.get(AttributeKey.longKey("server.port"))).isEqualTo(8443L);
    assertThat(attributes.get(AttributeKey.stringKey("error.type"))).isNull();
    assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void theTokensAndTheDurationAreTheGenAiClientHistograms() {
    listener.traced(ok());

    List<HistogramPointData> tokens = otel.histogram("gen_ai.client.token.usage");
    assertThat(tokens).hasSize(2);
    for (HistogramPointData point : tokens) {
      String type = point.getAttributes().get(AttributeKey.stringKey("gen_ai.token.type"));
      assertThat(point.getSum()).isEqualTo("input".equals(type) ? 12 : 34);
      assertThat(point.getCount()).isEqualTo(1);
      assertThat(point.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model")))
          .isEqualTo("gpt-4o-mini");
      assertThat(point.getAttributes().get(AttributeKey.stringKey("gen_ai.response.model")))
          .isEqualTo("gpt-4o-mini-2024-07-18");
      assertThat(point.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name")))
          .isEqualTo("chat");
      assertThat(point.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name")))
          .isEqualTo("openai");
      assertThat(point.getAttributes().get(AttributeKey.stringKey("server.address")))
          .isEqualTo("models.example.com");
    }
    assertThat(tokens)
        .extracting(point -> point.getAttributes().get(AttributeKey.stringKey("gen_ai.token.type")))
        .containsExactlyInAnyOrder("input", "output");

    List<HistogramPointData> durations = otel.histogram("gen_ai.client.operation.duration");
    assertThat(durations).hasSize(1);
    assertThat(durations.get(0).getSum()).as("seconds").isEqualTo(1.5);
    assertThat(durations.get(0).getAttributes().get(AttributeKey.stringKey("error.type"))).isNull();
  }

  @Test
  void aFailedCallCarriesItsErrorTypeOnTheSpanAndTheDuration() {
    listener.traced(
        new UpstreamCall(ASKED, null, "rate_limited", 429, STARTED, Duration.ofMillis(20)));
    listener.traced(new UpstreamCall(ASKED, null, "timeout", 0, STARTED, Duration.ofSeconds(30)));

    List<SpanData> spans = otel.finished();
    assertThat(spans)
        .extracting(span -> span.getAttributes().get(AttributeKey.stringKey("error.type")))
        .containsExactly("429", "timeout");
    assertThat(spans)
        .allSatisfy(
            span -> assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));
    assertThat(spans.get(0).getAttributes().get(AttributeKey.longKey("http.response.status_code")))
        .isEqualTo(429L);
    assertThat(spans.get(0).getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens")))
        .isNull();
    assertThat(otel.histogram("gen_ai.client.operation.duration"))
        .extracting(point -> point.getAttributes().get(AttributeKey.stringKey("error.type")))
        .containsExactlyInAnyOrder("429", "timeout");
    assertThat(otel.histogram("gen_ai.client.token.usage")).isEmpty();
  }

  @Test
  void offChangesNothingItIsGiven() {
    assertThat(Telemetry.OFF.upstream(metrics)).isSameAs(metrics);
    assertThat(Telemetry.OFF.upstream(metrics).traces()).isFalse();
    Runnable run = () -> {};
    assertThat(Telemetry.OFF.handOver().carry(run)).isSameAs(run);
  }
}
