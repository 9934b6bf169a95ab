package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.core.generate.SampleGenerator;
import dev.genie.generator.openai.FakeOpenAi;
import dev.genie.generator.openai.FakeOpenAi.Reply;
import dev.genie.http.GenieServer;
import dev.genie.http.config.GenieConfig;
import dev.genie.http.telemetry.OpenTelemetryTelemetry;
import dev.genie.it.support.Burst;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.TestDatabase;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OpenTelemetry over a coalesced burst on {@code /v1}: every request is a server span with its
 * {@code genie.cache}, the one upstream call is one GenAI client span under the request that made
 * it, and the GenAI token metric holds what the fake endpoint reported.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TelemetryIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  private static final int CALLERS = 8;
  private static final String ROUTE = "/v1/chat/completions";
  private static final String BODY =
      "{\"model\":\"fake-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Rain on tin\"}],"
          + "\"temperature\":0.2,\"max_tokens\":50}";
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
          .build();
  private FakeOpenAi fake;
  private GenieServer server;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeOpenAi();
    TestDatabase database = POSTGRES.server().freshDatabase();
    GenieConfig config =
        GenieConfig.fromEnvironment(
            Map.of(
                "DATABASE_URL", database.databaseUrl(),
                "GENIE_REQUIRE_DB", "1",
                "GENIE_DB_POOL_SIZE", Integer.toString(GenieInstances.POOL_SIZE),
                "GENIE_PORT", "0",
                "GENIE_OPENAI_BASE_URL", fake.baseUrl().toString(),
                "GENIE_OPENAI_API_KEY", "sk-upstream-it-not-real",
                "GENIE_GENERATION_RETRIES", "0"));
    server =
        DaggerTracedGenieComponent.factory()
            .create(
                config,
                Clock.systemUTC(),
                new SampleGenerator(Duration.ZERO),
                new OpenTelemetryTelemetry(sdk, null))
            .server()
            .start();
  }

  @AfterEach
  void stop() {
    server.stop();
    fake.close();
    sdk.close(); // after reading: the in-memory exporter forgets its spans when closed
  }

  @Test
  void aCoalescedBurstIsEightServerSpansAndOneUpstreamSpanUnderTheOneThatMadeIt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    fake.then(Reply.text("Rain drums on tin").heldUntil(release));
    GenieClient client = new GenieClient(server.uri(), PATIENCE);
    Thread watcher =
        new Thread(
            () -> {
              try {
                GenieInstances.awaitClaims(client, CALLERS, PATIENCE);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              } finally {
                release.countDown();
              }
            },
            "release-when-claimed");
    watcher.start();
    List<GenieResponse> answers = new CopyOnWriteArrayList<>();

    new Burst(CALLERS, PATIENCE)
        .run(
            i -> {
              try {
                answers.add(client.post(ROUTE, "application/json", BODY));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    watcher.join();
    server.stop(); // every exchange has completed, and so ended its span

    assertThat(answers).extracting(GenieResponse::status).containsOnly(200);
    assertThat(fake.calls()).isEqualTo(1);
    List<SpanData> requests =
        spans.getFinishedSpanItems().stream()
            .filter(span -> span.getKind() == SpanKind.SERVER)
            .filter(span -> ROUTE.equals(span.getAttributes().get(key("http.route"))))
            .toList();
    List<SpanData> calls =
        spans.getFinishedSpanItems().stream()
            .filter(span -> span.getKind() == SpanKind.CLIENT)
            .toList();
    print(requests, calls);

    assertThat(requests).hasSize(CALLERS);
    assertThat(count(requests, span -> span.getAttributes().get(key("genie.cache"))))
        .isEqualTo(Map.of("miss", 1L, "coalesced", (long) CALLERS - 1));
    assertThat(requests)
        .allSatisfy(
            span -> {
              assertThat(span.getAttributes().get(key("genie.surface"))).isEqualTo("v1");
              assertThat(
                      span.getAttributes().get(AttributeKey.longKey("http.response.status_code")))
                  .isEqualTo(200L);
              assertThat(span.getAttributes().get(key("genie.prompt.id"))).isNotBlank();
            });
    assertThat(requests.stream().map(span -> span.getAttributes().get(key("genie.prompt.id"))))
        .as("one stored item")
        .containsOnly(requests.get(0).getAttributes().get(key("genie.prompt.id")));

    assertThat(calls).as("upstream call spans").hasSize(1);
    SpanData call = calls.get(0);
    SpanData parent =
        requests.stream()
            .filter(span -> span.getSpanId().equals(call.getParentSpanId()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("the upstream span's parent is no request span"));
    assertThat(call.getTraceId()).isEqualTo(parent.getTraceId());
    assertThat(parent.getAttributes().get(key("genie.cache"))).isEqualTo("miss");
    assertThat(call.getName()).isEqualTo("chat fake-model");
    assertThat(call.getAttributes().get(key("gen_ai.operation.name"))).isEqualTo("chat");
    assertThat(call.getAttributes().get(key("gen_ai.provider.name"))).isEqualTo("openai");
    assertThat(call.getAttributes().get(key("gen_ai.request.model"))).isEqualTo("fake-model");
    assertThat(call.getAttributes().get(key("gen_ai.response.model"))).isEqualTo("fake-model");
    assertThat(call.getAttributes().get(key("gen_ai.response.id"))).isEqualTo("chatcmpl-fake-1");
    assertThat(call.getAttributes().get(AttributeKey.longKey("gen_ai.request.max_tokens")))
        .isEqualTo(50L);
    assertThat(call.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens")))
        .isEqualTo(12L);
    assertThat(call.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens")))
        .isEqualTo(34L);
    assertThat(call.getAttributes().get(key("server.address"))).isEqualTo("127.0.0.1");

    Map<String, Double> tokens =
        histogram("gen_ai.client.token.usage").stream()
            .collect(
                Collectors.toMap(
                    point -> point.getAttributes().get(key("gen_ai.token.type")),
                    HistogramPointData::getSum));
    assertThat(tokens).isEqualTo(Map.of("input", 12.0, "output", 34.0));
    assertThat(histogram("gen_ai.client.operation.duration"))
        .singleElement()
        .satisfies(point -> assertThat(point.getCount()).isEqualTo(1));
  }

  private static AttributeKey<String> key(String name) {
    return AttributeKey.stringKey(name);
  }

  private List<HistogramPointData> histogram(String name) {
    return metrics.collectAllMetrics().stream()
        .filter(metric -> metric.getName().equals(name))
        .map(MetricData::getHistogramData)
        .flatMap(data -> data.getPoints().stream())
        .toList();
  }

  private static <T> Map<String, Long> count(List<T> items, Function<T, String> key) {
    return items.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
  }

  /** The burst's spans, for the record: one line each, children under their parent. */
  private static void print(List<SpanData> requests, List<SpanData> calls) {
    Set<String> parents = calls.stream().map(SpanData::getParentSpanId).collect(Collectors.toSet());
    for (SpanData request : requests) {
      System.out.println("telemetry burst: " + line(request));
      if (parents.contains(request.getSpanId())) {
        calls.stream()
            .filter(call -> call.getParentSpanId().equals(request.getSpanId()))
            .forEach(call -> System.out.println("telemetry burst:   └─ " + line(call)));
      }
    }
  }

  private static String line(SpanData span) {
    return span.getKind()
        + " \""
        + span.getName()
        + "\" trace="
        + span.getTraceId().substring(0, 8)
        + " span="
        + span.getSpanId()
        + " parent="
        + span.getParentSpanId()
        + " "
        + new TreeMap<>(
            span.getAttributes().asMap().entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().getKey(), e -> e.getValue())));
  }
}
