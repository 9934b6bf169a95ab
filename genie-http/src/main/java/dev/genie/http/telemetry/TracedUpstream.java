package dev.genie.http.telemetry;

import dev.genie.generator.openai.UpstreamCall;
import dev.genie.generator.openai.UpstreamListener;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.net.URI;
import java.util.List;

/**
 * Each call to the model's endpoint as the GenAI semantic conventions show a chat call: a client
 * span {@code chat {model}}, a child of whatever is current on the calling thread (the request that
 * started the generation), and the {@code gen_ai.client.token.usage} and {@code
 * gen_ai.client.operation.duration} histograms.
 */
final class TracedUpstream implements UpstreamListener {
  static final String CHAT = "chat";
  static final String OPENAI = "openai";

  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
  static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");

  /** The name older versions of the conventions give the provider; still read by many backends. */
  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");

  static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  static final AttributeKey<Long> MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
  static final AttributeKey<Double> TEMPERATURE =
      AttributeKey.doubleKey("gen_ai.request.temperature");
  static final AttributeKey<String> RESPONSE_MODEL =
      AttributeKey.stringKey("gen_ai.response.model");
  static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
  static final AttributeKey<List<String>> FINISH_REASONS =
      AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
  static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  static final AttributeKey<Long> OUTPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.output_tokens");
  static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("genie.upstream.outcome");

  /** The conventions' advised boundaries: powers of 4 tokens, doubling seconds. */
  private static final List<Long> TOKEN_BUCKETS =
      List.of(
          1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L, 4194304L,
          16777216L, 67108864L);

  private static final List<Double> SECOND_BUCKETS =
      List.of(
          0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);

  private final Tracer tracer;
  private final LongHistogram tokens;
  private final DoubleHistogram duration;

  TracedUpstream(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer(OpenTelemetryTelemetry.SCOPE);
    Meter meter = openTelemetry.getMeter(OpenTelemetryTelemetry.SCOPE);
    this.tokens =
        meter
            .histogramBuilder("gen_ai.client.token.usage")
            .setDescription("Number of input and output tokens used")
            .setUnit("{token}")
            .ofLongs()
            .setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS)
            .build();
    this.duration =
        meter
            .histogramBuilder("gen_ai.client.operation.duration")
            .setDescription("GenAI operation duration")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(SECOND_BUCKETS)
            .build();
  }

  @Override
  public boolean traces() {
    return true;
  }

  @Override
  public void traced(UpstreamCall call) {
    UpstreamCall.Asked asked = call.asked();
    UpstreamCall.Reply reply = call.reply();
    boolean ok = "ok".equals(call.outcome());
    String errorType = ok ? null : errorType(call);

    AttributesBuilder common =
        Attributes.builder()
            .put(OPERATION, CHAT)
            .put(PROVIDER, OPENAI)
            .put(SYSTEM, OPENAI)
            .put(SERVER_ADDRESS, asked.endpoint().getHost())
            .put(SERVER_PORT, port(asked.endpoint()));
    if (asked.model() != null) {
      common.put(REQUEST_MODEL, asked.model());
    }
    if (reply != null && reply.model() != null) {
      common.put(RESPONSE_MODEL, reply.model());
    }
    Attributes measured = common.build();

    AttributesBuilder spanAttributes = measured.toBuilder();
    if (asked.maxTokens() != null) {
      spanAttributes.put(MAX_TOKENS, asked.maxTokens());
    }
    if (asked.temperature() != null) {
      spanAttributes.put(TEMPERATURE, asked.temperature());
    }
    if (reply != null) {
      if (reply.id() != null) {
        spanAttributes.put(RESPONSE_ID, reply.id());
      }
      if (!reply.finishReasons().isEmpty()) {
        spanAttributes.put(FINISH_REASONS, reply.finishReasons());
      }
      if (reply.usage() != null) {
        spanAttributes.put(INPUT_TOKENS, reply.usage().promptTokens());
        spanAttributes.put(OUTPUT_TOKENS, reply.usage().completionTokens());
      }
    }
    if (call.status() != 0) {
      spanAttributes.put(HTTP_STATUS, (long) call.status());
    }
    spanAttributes.put(OUTCOME, call.outcome());
    if (errorType != null) {
      spanAttributes.put(ERROR_TYPE, errorType);
    }

    Span span =
        tracer
            .spanBuilder(asked.model() == null ? CHAT : CHAT + " " + asked.model())
            .setSpanKind(SpanKind.CLIENT)
            .setStartTimestamp(call.started())
            .setAllAttributes(spanAttributes.build())
            .startSpan();
    if (errorType != null) {
      span.setStatus(StatusCode.ERROR, "the model's endpoint call ended " + call.outcome());
    }
    span.end(call.started().plus(call.duration()));

    duration.record(
        call.duration().toNanos() / 1e9,
        errorType == null ? measured : measured.toBuilder().put(ERROR_TYPE, errorType).build());
    if (reply != null && reply.usage() != null) {
      tokens.record(
          reply.usage().promptTokens(), measured.toBuilder().put(TOKEN_TYPE, "input").build());
      tokens.record(
          reply.usage().completionTokens(), measured.toBuilder().put(TOKEN_TYPE, "output").build());
    }
  }

  /** The endpoint's HTTP status when it answered with an error; else what went wrong. */
  private static String errorType(UpstreamCall call) {
    return call.status() >= 400 ? Integer.toString(call.status()) : call.outcome();
  }

  private static long port(URI endpoint) {
    if (endpoint.getPort() != -1) {
      return endpoint.getPort();
    }
    return "https".equals(endpoint.getScheme()) ? 443 : 80;
  }
}
