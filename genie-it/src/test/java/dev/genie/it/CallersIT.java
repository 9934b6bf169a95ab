package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.core.generate.Generation;
import dev.genie.core.generate.Generator;
import dev.genie.core.generate.SampleGenerator;
import dev.genie.core.generate.Usage;
import dev.genie.http.GenieServer;
import dev.genie.http.internal.auth.KeyCache;
import dev.genie.it.support.Artifacts;
import dev.genie.it.support.CliRun;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.ServerLog;
import dev.genie.it.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Keys, namespaces and limits over two instances on one PostgreSQL: who may ask, and who sees what.
 * Keys are made with the jar's own {@code keys} command, run in-process.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CallersIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension final Artifacts artifacts = new Artifacts().serverLogs();
  @RegisterExtension final GenieInstances genies = new GenieInstances();

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Map<String, String> KEYS_ON = Map.of("GENIE_AUTH", "keys");

  private TestDatabase database;

  /** The tokens each generation reports: 10 read, 5 written. */
  private static final Usage USAGE = new Usage(10, 5);

  /** The sample generator, counted, reporting {@link #USAGE} as a model would. */
  static final class MeteredGenerator implements Generator {
    private final SampleGenerator sample = new SampleGenerator(Duration.ZERO);
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public String name() {
      return "metered";
    }

    @Override
    public Generation generate(String normalizedPrompt) throws InterruptedException {
      calls.incrementAndGet();
      Generation generation = sample.generate(normalizedPrompt);
      return new Generation(generation.model(), generation.pages(), USAGE, "stop");
    }
  }

  private List<GenieServer> twoInstances(Generator generator) throws Exception {
    database = POSTGRES.server().freshDatabase();
    return List.of(
        genies.sql(database, generator, KEYS_ON), genies.sql(database, generator, KEYS_ON));
  }

  /** What {@code java -jar genie.jar keys ARGS} prints on standard output; fails unless 0. */
  private String keys(String... args) {
    CliRun run = CliRun.of(Map.of("DATABASE_URL", database.databaseUrl()), prepend("keys", args));
    assertThat(run.status()).as("keys %s: %s", List.of(args), run.err()).isZero();
    return run.out();
  }

  /** Creates a key and returns it: the last line of what {@code keys create} printed. */
  private String createKey(String... options) {
    List<String> lines = keys(prepend("create", options)).lines().toList();
    return lines.get(lines.size() - 1);
  }

  private static String[] prepend(String first, String[] rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  private static GenieClient client(GenieServer genie, String key) {
    return new GenieClient(genie.uri(), TIMEOUT, key);
  }

  private static void assertUnauthenticated(GenieResponse response) {
    assertThat(response.status()).as("%s", response).isEqualTo(401);
    assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(response.errorCode()).isEqualTo("UNAUTHENTICATED");
  }

  @Test
  void withoutAKeyNothingIsStoredAndAKeyFromKeysCreateIsServed() throws Exception {
    List<GenieServer> genie = twoInstances(CountingGenerator.sample(Duration.ZERO));
    String otherKey = "genie_" + "A".repeat(43);
    for (GenieServer instance : genie) {
      assertUnauthenticated(client(instance, null).post("a poem"));
      assertUnauthenticated(client(instance, otherKey).post("a poem"));
      assertUnauthenticated(client(instance, null).get("/prompts"));
      assertThat(client(instance, null).get("/health").status()).isEqualTo(200);
    }
    assertThat(database.number("SELECT count(*) FROM genie_prompts")).isZero();

    String key = createKey("--name", "alice");
    assertThat(key).matches("genie_[A-Za-z0-9_-]{43}");
    GenieResponse created = client(genie.get(0), key).post("a poem");
    assertThat(created.status()).as("%s", created).isEqualTo(201);
    GenieResponse read = client(genie.get(1), key).get(created.header("Location"));
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.text("promptId")).isEqualTo(created.text("promptId"));
    assertThat(keys("list")).contains("alice\tdefault").doesNotContain(key);
  }

  @Test
  void twoNamespacesSendingTheSameTextShareNothing() throws Exception {
    CountingGenerator generator = CountingGenerator.sample(Duration.ZERO);
    List<GenieServer> genie = twoInstances(generator);
    String keyA = createKey("--name", "a", "--namespace", "team-a");
    String keyB = createKey("--name", "b", "--namespace", "team-b");

    GenieResponse a = client(genie.get(0), keyA).post("The same text");
    GenieResponse b = client(genie.get(1), keyB).post("The same text");

    assertThat(a.status()).as("%s", a).isEqualTo(201);
    assertThat(b.status()).as("%s", b).isEqualTo(201);
    assertThat(a.header("Genie-Cache")).isEqualTo("miss");
    assertThat(b.header("Genie-Cache")).isEqualTo("miss");
    String idA = a.text("promptId");
    String idB = b.text("promptId");
    assertThat(idA).isNotEqualTo(idB);
    assertThat(generator.calls()).isEqualTo(2);
    for (GenieServer instance : genie) {
      assertThat(client(instance, keyA).get("/prompts/" + idB).status()).isEqualTo(404);
      assertThat(client(instance, keyB).get("/prompts/" + idA).status()).isEqualTo(404);
      assertThat(client(instance, keyA).get("/prompts/" + idA).status()).isEqualTo(200);
      assertThat(client(instance, keyA).get("/prompts").body()).contains(idA).doesNotContain(idB);
      assertThat(client(instance, keyB).get("/prompts").body()).contains(idB).doesNotContain(idA);
    }
    // within a namespace, the text is still one prompt with one generation
    GenieResponse again = client(genie.get(1), keyA).post("  The  same text ");
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.text("promptId")).isEqualTo(idA);
    assertThat(again.header("Genie-Cache")).isEqualTo("hit");
    assertThat(generator.calls()).isEqualTo(2);
    assertThat(
            database.number(
                "SELECT count(DISTINCT namespace) FROM genie_prompts"
                    + " WHERE normalized_text = 'The same text'"
                    + " AND namespace IN ('team-a', 'team-b')"))
        .isEqualTo(2);
    assertThat(database.number("SELECT count(*) FROM genie_prompts")).isEqualTo(2);
  }

  @Test
  void aPromptsPreviewAndPdfAnswerOnlyItsOwnNamespace() throws Exception {
    List<GenieServer> genie = twoInstances(CountingGenerator.sample(Duration.ZERO));
    String keyA = createKey("--name", "a", "--namespace", "team-a");
    String keyB = createKey("--name", "b", "--namespace", "team-b");
    GenieResponse created = client(genie.get(0), keyA).post("A poem for team a only");
    assertThat(created.status()).as("%s", created).isEqualTo(201);
    String id = created.text("promptId");

    for (GenieServer instance : genie) {
      for (String route :
          List.of("/prompts/" + id + "/preview", "/prompts/" + id + "/export.pdf")) {
        GenieResponse other = client(instance, keyB).get(route);
        GenieResponse own = client(instance, keyA).get(route);
        assertThat(other.status()).as("%s with team-b's key: %s", route, other).isEqualTo(404);
        assertThat(other.body()).doesNotContain("A poem for team a only");
        assertThat(own.status()).as("%s with team-a's key: %s", route, own).isEqualTo(200);
        assertUnauthenticated(client(instance, null).get(route));
      }
    }
  }

  @Test
  void aRevokedKeyFailsOnBothInstancesWithinTheCacheTtl() throws Exception {
    List<GenieServer> genie = twoInstances(CountingGenerator.sample(Duration.ZERO));
    String key = createKey("--name", "leaving");
    for (GenieServer instance : genie) {
      assertThat(client(instance, key).get("/prompts").status()).isEqualTo(200);
    }

    keys("revoke", "leaving");
    // Every entry cached before the revocation committed expires within the TTL of it: a request
    // sent after that bound must be refused, on every instance.
    long revoked = System.nanoTime();
    long bound = revoked + KeyCache.TTL.toNanos();
    long[] refusedAfterMillis = new long[genie.size()];
    for (int i = 0; i < genie.size(); i++) {
      refusedAfterMillis[i] = -1;
    }
    // Only for the figures: when each instance first refused while the bound ran.
    while (System.nanoTime() < bound) {
      for (int i = 0; i < genie.size(); i++) {
        if (refusedAfterMillis[i] < 0
            && client(genie.get(i), key).get("/prompts").status() == 401) {
          refusedAfterMillis[i] = (System.nanoTime() - revoked) / 1_000_000;
        }
      }
      Thread.sleep(10);
    }
    for (GenieServer instance : genie) {
      assertUnauthenticated(client(instance, key).get("/prompts"));
    }
    String figures =
        "revoked key refused after "
            + refusedAfterMillis[0]
            + " ms and "
            + refusedAfterMillis[1]
            + " ms on the two instances (-1: not within the bound of "
            + KeyCache.TTL.toMillis()
            + " ms)";
    System.out.println("CallersIT: " + figures);
    artifacts.summary("revocation", () -> figures);
  }

  @Test
  void theRateLimitAnswers429WithRetryAfter() throws Exception {
    List<GenieServer> genie = twoInstances(CountingGenerator.sample(Duration.ZERO));
    String key = createKey("--name", "slow", "--rate", "1/s");
    List<GenieResponse> responses = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      responses.add(client(genie.get(0), key).get("/prompts"));
    }

    assertThat(responses.get(0).status()).isEqualTo(200);
    List<GenieResponse> limited =
        responses.stream().filter(response -> response.status() == 429).toList();
    assertThat(limited).isNotEmpty();
    for (GenieResponse response : limited) {
      assertThat(response.errorCode()).isEqualTo("RATE_LIMITED");
      assertThat(Integer.parseInt(response.header("Retry-After"))).isBetween(1, 2);
    }
  }

  @Test
  void theTokenBudgetStopsGenerationsButNotHits() throws Exception {
    MeteredGenerator generator = new MeteredGenerator();
    List<GenieServer> genie = twoInstances(generator);
    String key = createKey("--name", "metered", "--daily-tokens", "20");

    assertThat(client(genie.get(0), key).post("one").status()).isEqualTo(201);
    assertThat(client(genie.get(1), key).post("two").status()).isEqualTo(201);
    GenieResponse refused = client(genie.get(0), key).post("three");
    GenieResponse hit = client(genie.get(1), key).post("one");

    assertThat(refused.status()).as("%s", refused).isEqualTo(429);
    assertThat(refused.errorCode()).isEqualTo("BUDGET_EXHAUSTED");
    assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 86_400L);
    assertThat(hit.status()).isEqualTo(200);
    assertThat(hit.header("Genie-Cache")).isEqualTo("hit");
    assertThat(generator.calls).hasValue(2);
    // the refused prompt left nothing pending that a sweep would generate, charged to nobody
    assertThat(database.number("SELECT count(*) FROM genie_prompts")).isEqualTo(2);
    assertThat(
            database.number(
                "SELECT tokens FROM genie_token_usage WHERE key_name = 'metered'"
                    + " AND day = (now() AT TIME ZONE 'UTC')::date"))
        .isEqualTo(2 * USAGE.total());
    String admin = createKey("--name", "ops", "--admin");
    String metrics = client(genie.get(0), admin).get("/metrics").body();
    assertThat(metrics)
        .contains("genie_key_tokens_total{key=\"metered\"} 15.0")
        .contains("genie_key_requests_total{key=\"metered\"} 2.0");
  }

  @Test
  void theAdminRoutesNeedAnAdminKeyFromLoopbackToo() throws Exception {
    // Behind a reverse proxy on this machine every caller arrives from loopback: no exemption.
    database = POSTGRES.server().freshDatabase();
    GenieServer genie = genies.sql(database, CountingGenerator.sample(Duration.ZERO), KEYS_ON);
    String admin = createKey("--name", "ops", "--admin");
    String user = createKey("--name", "app");

    for (String route : List.of("/metrics", "/openapi.yaml")) {
      assertUnauthenticated(new GenieClient(genie.uri(), TIMEOUT).get(route));
      GenieResponse forbidden = client(genie, user).get(route);
      assertThat(forbidden.status())
          .as("%s with a key that is not an admin key", route)
          .isEqualTo(403);
      assertThat(forbidden.errorCode()).isEqualTo("FORBIDDEN");
      assertThat(client(genie, admin).get(route).status()).as(route).isEqualTo(200);
    }
    assertThat(new GenieClient(genie.uri(), TIMEOUT).get("/health").status()).isEqualTo(200);
    assertUnauthenticated(new GenieClient(genie.uri(), TIMEOUT).get("/prompts"));
  }

  @Test
  void theKeyAppearsInNoLogMetricErrorOrAuditLine() throws Exception {
    List<GenieServer> genie = twoInstances(CountingGenerator.sample(Duration.ZERO));
    String key = createKey("--name", "sentinel", "--namespace", "secretive", "--rate", "2/s");
    String admin = createKey("--name", "ops", "--admin");
    List<String> seen = new ArrayList<>();
    for (GenieServer instance : genie) {
      GenieClient client = client(instance, key);
      for (GenieResponse response :
          List.of(
              client.post("a sentinel poem"),
              client.get("/prompts/00000000-0000-0000-0000-000000000000"),
              client.get("/prompts?limit=0"),
              client.get("/prompts"),
              client.get("/prompts"),
              client.get("/prompts"),
              client.get("/metrics"),
              client(instance, admin).get("/metrics"))) {
        seen.add(response.toString());
        seen.add(response.headers().map().toString());
      }
    }
    keys("revoke", "sentinel");
    seen.add(keys("list"));
    Thread.sleep(KeyCache.TTL.toMillis());
    seen.add(client(genie.get(0), key).get("/prompts").toString());
    genies.afterEach(null); // stopped: every line is written
    seen.addAll(ServerLog.lines());
    Path sqlLog = Artifacts.sqlLog();
    if (Files.exists(sqlLog)) {
      seen.add(Files.readString(sqlLog));
    }

    assertThat(seen).noneMatch(text -> text.contains(key));
    assertThat(seen).anyMatch(text -> text.contains("RATE_LIMITED"));
    assertThat(seen).anyMatch(text -> text.contains("UNAUTHENTICATED"));
    List<String> audit =
        ServerLog.lines().stream()
            .filter(line -> line.contains("dev.genie.http.audit"))
            .filter(line -> line.contains("key=\"sentinel\""))
            .toList();
    assertThat(audit)
        .anyMatch(
            line ->
                line.contains("namespace=\"secretive\"")
                    && line.contains("method=POST")
                    && line.contains("outcome=201")
                    && line.contains("cache=miss")
                    && line.matches(".* requestId=[0-9a-f]+ .*")
                    && line.matches(".* promptId=\"[0-9a-f-]{36}\" .*"));
    assertThat(audit).noneMatch(line -> line.contains("a sentinel poem"));
    assertThat(ServerLog.lines())
        .anyMatch(
            line ->
                line.contains("dev.genie.http.audit")
                    && line.contains("key=\"-\"")
                    && line.contains("outcome=401"));
  }
}
