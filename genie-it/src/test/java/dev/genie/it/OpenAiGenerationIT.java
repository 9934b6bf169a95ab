package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genie.generator.openai.FakeOpenAi;
import dev.genie.generator.openai.FakeOpenAi.Reply;
import dev.genie.generator.openai.OpenAiGenerator;
import dev.genie.generator.openai.OpenAiSettings;
import dev.genie.generator.openai.UpstreamListener;
import dev.genie.http.GenieServer;
import dev.genie.it.support.Burst;
import dev.genie.it.support.Exchange;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.InvariantChecker;
import dev.genie.it.support.ItSettings;
import dev.genie.it.support.PostgresServer;
import dev.genie.it.support.PrometheusText;
import dev.genie.it.support.TestDatabase;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The openai generator on real PostgreSQL, against a fake OpenAI-compatible endpoint that counts
 * its calls: a burst over two instances reaches it once even when it answers slower than the lease
 * lasts, another model is another prompt, and an owner frozen mid-call is taken over and its late
 * answer fenced out.
 */
class OpenAiGenerationIT extends InstancesOnPostgres {
  /**
   * The lease of the burst's instances: shorter than the upstream's delay, so it must be renewed.
   */
  static final Duration LEASE = Duration.ofMillis(1000);

  /**
   * The upstream's delay: longer than the lease, and long enough that the whole burst arrives while
   * it runs.
   */
  static final Duration UPSTREAM_DELAY = Duration.ofMillis(2500);

  /**
   * The lease of the frozen owner's instances: short, so that the takeover comes soon, yet with
   * room for a loaded machine's stalls, which would otherwise let the taker's own lease lapse too.
   */
  static final Duration FROZEN_OWNER_LEASE = Duration.ofMillis(3000);

  /** How long a step of the frozen owner's test may take on a slow machine. */
  static final Duration PATIENCE = Duration.ofSeconds(60);

  /** Tokens the fake reports for each answer: 12 in, 34 out. */
  static final int TOKENS_PER_ANSWER = 46;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path workDir;

  private final ItSettings settings = ItSettings.fromSystemProperties();
  private FakeOpenAi fake;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeOpenAi();
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

  /** A lease the upstream's delay outlasts: only its renewal keeps the call single. */
  private static Map<String, String> shortLease() {
    return Map.of(
        "GENIE_LEASE_MS", Long.toString(LEASE.toMillis()), "GENIE_WAIT_TIMEOUT_MS", "30000");
  }

  @Test
  void aBurstOverTwoInstancesReachesAnUpstreamSlowerThanTheLeaseOnceAndEveryCallerGetsOneEnvelope(
      PostgresServer postgres) throws Exception {
    fake.always(Reply.pages("Autumn café", "Cups steam.", "Leaves fall.").after(UPSTREAM_DELAY));
    TestDatabase database = postgres.freshDatabase();
    postgres.checkConnectionBudget(2, GenieInstances.POOL_SIZE, 1);
    List<GenieClient> clients =
        List.of(
            new GenieClient(
                genies.sql(database, generator(FakeOpenAi.MODEL), shortLease()).uri(),
                settings.timeout()),
            new GenieClient(
                genies.sql(database, generator(FakeOpenAi.MODEL), shortLease()).uri(),
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
    double completed = 0;
    double fencedOut = 0;
    double takeovers = 0;
    for (GenieClient client : clients) {
      PrometheusText metrics = PrometheusText.parse(client.get("/metrics").body());
      saved +=
          metrics.value("genie_tokens_saved_total", Map.of("cache", "hit", "surface", "prompts"));
      saved +=
          metrics.value(
              "genie_tokens_saved_total", Map.of("cache", "coalesced", "surface", "prompts"));
      completed += generations(metrics, "completed");
      fencedOut += generations(metrics, "fenced_out");
      takeovers += metrics.value("genie_takeovers_total", Map.of());
    }
    String figures =
        "callers="
            + n
            + " over 2 instances, lease="
            + LEASE.toMillis()
            + " ms, upstream delay="
            + UPSTREAM_DELAY.toMillis()
            + " ms, statuses="
            + statuses
            + ", upstream calls="
            + fake.calls()
            + ", Genie-Cache="
            + caches
            + ", tokens saved="
            + (long) saved
            + ", generations completed="
            + (long) completed
            + ", fenced out="
            + (long) fencedOut
            + ", takeovers="
            + (long) takeovers;
    artifacts.summary("openai burst", () -> figures);
    System.out.println("openai burst: " + figures);

    assertThat(fake.calls()).as("calls that reached the upstream").isEqualTo(1);
    assertThat(statuses).containsEntry(201, 1L).containsEntry(200, (long) n - 1).hasSize(2);
    assertThat(caches.get("miss")).isEqualTo(1L);
    assertThat(caches.getOrDefault("coalesced", 0L) + caches.getOrDefault("hit", 0L))
        .isEqualTo(n - 1);
    assertThat(caches.keySet()).isSubsetOf("miss", "coalesced", "hit");
    assertThat(exchanges.stream().map(Exchange::envelope).distinct()).hasSize(1);
    assertThat(exchanges.get(0).envelope())
        .contains("\"title\":\"Autumn café\"")
        .contains("\"usage\":{\"promptTokens\":12,\"completionTokens\":34}");
    assertThat((long) saved).isEqualTo((long) (n - 1) * TOKENS_PER_ANSWER);
    assertThat(completed).as("generations completed on both instances").isEqualTo(1);
    assertThat(fencedOut).as("generations fenced out: the renewed lease never lapsed").isZero();
    assertThat(takeovers).as("leases taken over").isZero();
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

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void anOwnerFrozenMidCallIsTakenOverAndItsLateAnswerIsFencedOut(PostgresServer postgres)
      throws Exception {
    CountDownLatch releaseFirstCall = new CountDownLatch(1);
    fake.then(Reply.pages("Owner's late answer", "Never stored.").heldUntil(releaseFirstCall))
        .always(Reply.pages("Taker's answer", "Stored once."));
    TestDatabase database = postgres.freshDatabase();
    artifacts.file("genie", workDir);
    int n = 16;
    ExecutorService background = Executors.newSingleThreadExecutor();
    GenieProcess first = null;
    GenieProcess second = null;
    GenieProcess owner = null;
    try {
      first = GenieProcess.start(directory("first"), frozenOwnerEnv(database, "sk-it-first"));
      second = GenieProcess.start(directory("second"), frozenOwnerEnv(database, "sk-it-second"));
      Map<String, GenieProcess> byKey =
          Map.of("Bearer sk-it-first", first, "Bearer sk-it-second", second);
      List<GenieClient> clients =
          List.of(
              new GenieClient(URI.create(first.awaitServing(PATIENCE)), PATIENCE),
              new GenieClient(URI.create(second.awaitServing(PATIENCE)), PATIENCE));

      Future<?> burst =
          background.submit(
              () ->
                  new Burst(n, PATIENCE.multipliedBy(2))
                      .post(history, i -> clients.get(i % 2), i -> ConcurrencyIT.POEM));
      await("the first upstream call", () -> fake.calls() >= 1);
      owner = byKey.get(fake.callAuthorizations().get(0));
      assertThat(owner).as("the instance whose call reached the upstream first").isNotNull();
      owner.suspend();
      long frozen = System.nanoTime();
      GenieClient taker = clients.get(owner == first ? 1 : 0);

      await("the taker's completed result", () -> completedResults(database) == 1);
      long completedAfter = System.nanoTime() - frozen;
      assertThat(fake.calls())
          .as("calls that reached the upstream while the owner hung")
          .isEqualTo(2);
      assertThat(fake.callAuthorizations().get(1))
          .as("the second call came from the other instance")
          .isNotEqualTo(fake.callAuthorizations().get(0));

      // Released while it is frozen, so that the late answer is there the moment the owner wakes.
      releaseFirstCall.countDown();
      owner.resume();
      burst.get(PATIENCE.multipliedBy(3).toMillis(), TimeUnit.MILLISECONDS);
      GenieClient ownerClient = clients.get(owner == first ? 0 : 1);
      await("the owner's fenced_out generation", () -> fencedOut(ownerClient) > 0);
      double ownerFencedOut = fencedOut(ownerClient);
      PrometheusText takerMetrics = PrometheusText.parse(taker.get("/metrics").body());
      double takerCompleted = generations(takerMetrics, "completed");
      double takerFencedOut = generations(takerMetrics, "fenced_out");
      double takerTakeovers = takerMetrics.value("genie_takeovers_total", Map.of());

      List<Exchange> exchanges = history.exchanges();
      Map<Integer, Long> statuses = count(exchanges, Exchange::httpStatus);
      Map<String, Long> caches = count(exchanges, e -> String.valueOf(e.genieCache()));
      TakeoverIT.Stored stored = TakeoverIT.Stored.read(database, exchanges.get(0).resultId());
      String figures =
          String.format(
              "callers=%d over 2 processes, statuses=%s, upstream calls=%d, Genie-Cache=%s, the"
                  + " taker completed %.1f s after the freeze (lease %d ms), taker generations"
                  + " completed=%.0f, fenced out=%.0f, takeovers=%.0f, owner fenced out=%.0f, stored"
                  + " token=%d",
              n,
              statuses,
              fake.calls(),
              caches,
              completedAfter / 1e9,
              FROZEN_OWNER_LEASE.toMillis(),
              takerCompleted,
              takerFencedOut,
              takerTakeovers,
              ownerFencedOut,
              stored.token());
      artifacts.summary("frozen owner", () -> figures);
      System.out.println("openai frozen owner: " + figures);

      InvariantChecker checker =
          new InvariantChecker(history, Map.of(ConcurrencyIT.POEM, Set.of(ConcurrencyIT.POEM)));
      try (Connection connection = database.connect()) {
        checker.checkSql(connection);
      }
      assertThat(fake.calls()).as("calls that reached the upstream").isEqualTo(2);
      assertThat(exchanges).hasSize(n);
      assertThat(statuses).containsEntry(201, 1L).containsEntry(200, (long) n - 1).hasSize(2);
      assertThat(caches.keySet()).isSubsetOf("miss", "coalesced", "hit");
      assertThat(exchanges.stream().map(Exchange::envelope).distinct()).hasSize(1);
      assertThat(exchanges.get(0).envelope()).contains("\"title\":\"Taker's answer\"");
      assertThat(stored.status()).isEqualTo("completed");
      assertThat(exchanges.get(0).envelopeMatches(stored.envelope()))
          .as("the stored envelope is the one every caller holds")
          .isTrue();
      assertThat(stored.token()).as("the takeover moved the fencing token on").isGreaterThan(1);
      assertThat(stored.attempts()).as("a takeover is no new attempt").isEqualTo(1);
      assertThat(takerCompleted).as("generations the taker completed").isEqualTo(1);
      assertThat(ownerFencedOut).as("the owner's late answer, fenced out").isEqualTo(1);
      assertThat(ownerClient.get("/prompts/" + exchanges.get(0).promptId()).envelopeText())
          .isEqualTo(exchanges.get(0).envelope());
    } finally {
      releaseFirstCall.countDown();
      if (owner != null && owner.isAlive()) {
        owner.resume();
      }
      background.shutdownNow();
      if (first != null) {
        first.close();
      }
      if (second != null) {
        second.close();
      }
    }
  }

  private Path directory(String name) throws Exception {
    return Files.createDirectories(workDir.resolve(name));
  }

  /**
   * A packaged instance on the openai generator, told apart at the fake by its key; its upstream
   * call never times out, so that only the lease decides who may complete.
   */
  private Map<String, String> frozenOwnerEnv(TestDatabase database, String apiKey) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", database.databaseUrl());
    env.put("GENIE_REQUIRE_DB", "1");
    env.put("GENIE_PORT", "0");
    env.put("GENIE_DB_POOL_SIZE", "4");
    env.put("GENIE_LEASE_MS", Long.toString(FROZEN_OWNER_LEASE.toMillis()));
    env.put("GENIE_WAIT_TIMEOUT_MS", Long.toString(PATIENCE.toMillis()));
    env.put("GENIE_GENERATOR", "openai");
    env.put("GENIE_OPENAI_BASE_URL", fake.baseUrl().toString());
    env.put("GENIE_OPENAI_API_KEY", apiKey);
    env.put("GENIE_OPENAI_MODEL", FakeOpenAi.MODEL);
    env.put("GENIE_GENERATION_TIMEOUT_MS", Long.toString(PATIENCE.multipliedBy(10).toMillis()));
    return env;
  }

  private static long completedResults(TestDatabase database) throws Exception {
    return database.number("SELECT count(*) FROM genie_results WHERE status = 'completed'");
  }

  private static double generations(PrometheusText metrics, String outcome) {
    return metrics.value("genie_generations_total", Map.of("outcome", outcome));
  }

  interface Check {
    boolean holds() throws Exception;
  }

  private static void await(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!check.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " did not happen within " + PATIENCE);
      }
      Thread.sleep(20);
    }
  }

  private static double fencedOut(GenieClient client) throws Exception {
    return generations(PrometheusText.parse(client.get("/metrics").body()), "fenced_out");
  }

  private static <K> Map<K, Long> count(List<Exchange> exchanges, Function<Exchange, K> key) {
    return exchanges.stream()
        .collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
  }
}
