package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genie.generator.openai.FakeOpenAi;
import dev.genie.generator.openai.FakeOpenAi.Reply;
import dev.genie.generator.openai.OpenAiGenerator;
import dev.genie.generator.openai.OpenAiSettings;
import dev.genie.generator.openai.UpstreamListener;
import dev.genie.http.GenieServer;
import dev.genie.it.support.Artifacts;
import dev.genie.it.support.Burst;
import dev.genie.it.support.Exchange;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.History;
import dev.genie.it.support.InvariantChecker;
import dev.genie.it.support.ItSettings;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.PostgresServer;
import dev.genie.it.support.PrometheusText;
import dev.genie.it.support.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The openai generator on real PostgreSQL, against a fake OpenAI-compatible endpoint that counts
 * its calls: a burst over two instances reaches it once, and another model is another prompt.
 */
class OpenAiGenerationIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension final Artifacts artifacts = new Artifacts();
  @RegisterExtension final GenieInstances genies = new GenieInstances();

  /** The upstream's delay: long enough that the whole burst arrives while it runs. */
  static final Duration UPSTREAM_DELAY = Duration.ofMillis(1500);

  /** Tokens the fake reports for each answer: 12 in, 34 out. */
  static final int TOKENS_PER_ANSWER = 46;

  private final ItSettings settings = ItSettings.fromSystemProperties();
  private final History history = new History();
  private FakeOpenAi fake;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeOpenAi();
    artifacts.record(history);
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private OpenAiGenerator generator(String model) {
    return new OpenAiGenerator(
        OpenAiSettings.builder()
            .baseUrl(fake.baseUrl())
            .apiKey("sk-it-not-a-real-key")
            .model(model)
            .build(),
        UpstreamListener.NONE);
  }

  /** The lease outlasts the upstream's delay; renewal is not what this test is about. */
  private static Map<String, String> longLease() {
    return Map.of("GENIE_LEASE_MS", "20000", "GENIE_WAIT_TIMEOUT_MS", "30000");
  }

  @Test
  void aBurstOverTwoInstancesReachesTheSlowUpstreamOnceAndEveryCallerGetsTheSameEnvelope(
      PostgresServer postgres) throws Exception {
    fake.always(Reply.pages("Autumn café", "Cups steam.", "Leaves fall.").after(UPSTREAM_DELAY));
    TestDatabase database = postgres.freshDatabase();
    postgres.checkConnectionBudget(2, GenieInstances.POOL_SIZE, 1);
    List<GenieClient> clients =
        List.of(
            new GenieClient(
                genies.sql(database, generator(FakeOpenAi.MODEL), longLease()).uri(),
                settings.timeout()),
            new GenieClient(
                genies.sql(database, generator(FakeOpenAi.MODEL), longLease()).uri(),
                settings.timeout()));
    int n = Math.max(64, settings.n());
    List<String> variants = ConcurrencyIT.POEM_VARIANTS;

    new Burst(n, settings.timeout())
        .post(history, i -> clients.get(i % 2), i -> variants.get(i % variants.size()));

    InvariantChecker checker =
        new InvariantChecker(history, Map.of(ConcurrencyIT.POEM, new LinkedHashSet<>(variants)));
    try (Connection connection = database.connect()) {
      checker.checkSql(connection);
    }
    List<Exchange> exchanges = history.exchanges();
    Map<Integer, Long> statuses = count(exchanges, Exchange::httpStatus);
    Map<String, Long> caches = count(exchanges, e -> String.valueOf(e.genieCache()));
    double saved = 0;
    for (GenieClient client : clients) {
      PrometheusText metrics = PrometheusText.parse(client.get("/metrics").body());
      saved += metrics.value("genie_tokens_saved_total", Map.of("cache", "hit"));
      saved += metrics.value("genie_tokens_saved_total", Map.of("cache", "coalesced"));
    }
    String figures =
        "callers="
            + n
            + " over 2 instances, statuses="
            + statuses
            + ", upstream calls="
            + fake.calls()
            + ", Genie-Cache="
            + caches
            + ", tokens saved="
            + (long) saved;
    artifacts.summary("openai burst", () -> figures);
    System.out.println("openai burst: " + figures);

    assertThat(fake.calls()).as("calls that reached the upstream").isEqualTo(1);
    assertThat(statuses).containsEntry(201, 1L).containsEntry(200, (long) n - 1).hasSize(2);
    assertThat(caches.get("miss")).isEqualTo(1L);
    assertThat(caches.getOrDefault("coalesced", 0L) + caches.getOrDefault("hit", 0L))
        .isEqualTo(n - 1);
    assertThat(caches).containsOnlyKeys("miss", "coalesced", "hit");
    assertThat(exchanges.stream().map(Exchange::envelope).distinct()).hasSize(1);
    assertThat(exchanges.get(0).envelope())
        .contains("\"title\":\"Autumn café\"")
        .contains("\"usage\":{\"promptTokens\":12,\"completionTokens\":34}");
    assertThat((long) saved).isEqualTo((long) (n - 1) * TOKENS_PER_ANSWER);
  }

  @Test
  void anotherModelIsAnotherPromptAndTheFirstModelsAnswerIsStillServed(PostgresServer postgres)
      throws Exception {
    TestDatabase database = postgres.freshDatabase();
    GenieServer first = genies.sql(database, generator(FakeOpenAi.MODEL), longLease());
    GenieServer second = genies.sql(database, generator("other-model"), longLease());
    GenieClient a = new GenieClient(first.uri(), settings.timeout());
    GenieClient b = new GenieClient(second.uri(), settings.timeout());

    GenieResponse original = a.post(ConcurrencyIT.POEM);
    GenieResponse otherModel = b.post(ConcurrencyIT.POEM);
    GenieResponse again = a.post(ConcurrencyIT.POEM);

    assertThat(original.status()).isEqualTo(201);
    assertThat(original.header("Genie-Cache")).isEqualTo("miss");
    assertThat(otherModel.status()).isEqualTo(201);
    assertThat(otherModel.header("Genie-Cache")).isEqualTo("miss");
    assertThat(otherModel.text("promptId")).isNotEqualTo(original.text("promptId"));
    assertThat(otherModel.json().at("/profile/model").asText()).isEqualTo("other-model");
    assertThat(original.json().at("/profile/model").asText()).isEqualTo(FakeOpenAi.MODEL);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.header("Genie-Cache")).isEqualTo("hit");
    assertThat(again.text("promptId")).isEqualTo(original.text("promptId"));
    assertThat(fake.calls()).isEqualTo(2);
    ObjectMapper json = new ObjectMapper();
    assertThat(fake.bodies())
        .extracting(body -> json.readTree(body).get("model").asText())
        .containsExactly(FakeOpenAi.MODEL, "other-model");
    try (Connection connection = database.connect()) {
      assertThat(new InvariantChecker(history, Map.of()).rowCounts(connection).prompts())
          .isEqualTo(2);
    }
  }

  private static <K> Map<K, Long> count(List<Exchange> exchanges, Function<Exchange, K> key) {
    return exchanges.stream()
        .collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
  }
}
