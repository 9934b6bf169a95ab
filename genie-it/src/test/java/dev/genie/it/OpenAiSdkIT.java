package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.genie.core.generate.SampleGenerator;
import dev.genie.generator.openai.FakeOpenAi;
import dev.genie.generator.openai.FakeOpenAi.Reply;
import dev.genie.http.GenieServer;
import dev.genie.it.support.Artifacts;
import dev.genie.it.support.Burst;
import dev.genie.it.support.CliRun;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.ItSettings;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.PrometheusText;
import dev.genie.it.support.Sha256;
import dev.genie.it.support.TestDatabase;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * The OpenAI-compatible surface driven by clients nobody here wrote, the official OpenAI Java SDK
 * and LangChain4j's {@code OpenAiChatModel}, each with its base URL at Genie and a Genie key as its
 * API key, over two instances on one PostgreSQL, against a fake model endpoint that numbers its
 * completions by call: a burst of identical calls costs one upstream call and gets one body; the
 * database, read through plain JDBC, holds exactly what the callers were told.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class OpenAiSdkIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension final Artifacts artifacts = new Artifacts().serverLogs();
  @RegisterExtension final GenieInstances genies = new GenieInstances();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODEL = FakeOpenAi.MODEL;
  private static final String QUESTION = "Write a haiku about rain on a tin roof";

  /** The profile every chat completion is stored under, written out here, not taken from Genie. */
  private static final String CHAT_PROFILE =
      "{\"generator\":\"openai\",\"model\":\"per request\",\"outputMode\":\"chat.completion\","
          + "\"templateVersion\":1}";

  /** Tokens the fake reports for each completion: 12 in, 34 out. */
  private static final int TOKENS_PER_ANSWER = 46;

  private final ItSettings settings = ItSettings.fromSystemProperties();
  private final List<OpenAIClient> sdkClients = new ArrayList<>();
  private FakeOpenAi fake;
  private TestDatabase database;
  private List<GenieServer> instances;
  private String keyA;
  private String keyB;
  private String adminKey;

  /** One call as its caller saw it: what the history is checked against the database with. */
  record Call(int index, int status, String cache, String promptId, String body) {}

  @BeforeEach
  void start() throws Exception {
    fake = new FakeOpenAi();
    database = POSTGRES.server().freshDatabase();
    POSTGRES.server().checkConnectionBudget(2, GenieInstances.POOL_SIZE, 1);
    keyA = createKey("--name", "team-a", "--namespace", "team-a");
    keyB = createKey("--name", "team-b", "--namespace", "team-b");
    adminKey = createKey("--name", "ops", "--admin");
    Map<String, String> env =
        Map.of(
            "GENIE_AUTH", "keys",
            "GENIE_OPENAI_BASE_URL", fake.baseUrl().toString(),
            "GENIE_OPENAI_API_KEY", "sk-upstream-it-not-real",
            "GENIE_GENERATION_RETRIES", "0",
            "GENIE_GENERATION_TIMEOUT_MS", Long.toString(settings.timeout().toMillis()));
    instances =
        List.of(
            genies.sql(database, new SampleGenerator(Duration.ZERO), env),
            genies.sql(database, new SampleGenerator(Duration.ZERO), env));
  }

  @AfterEach
  void stop() {
    sdkClients.forEach(OpenAIClient::close);
    fake.close();
  }

  private String createKey(String... options) {
    List<String> args = new ArrayList<>(List.of("keys", "create"));
    args.addAll(List.of(options));
    CliRun run =
        CliRun.of(Map.of("DATABASE_URL", database.databaseUrl()), args.toArray(String[]::new));
    assertThat(run.status()).as("keys create: %s", run.err()).isZero();
    return run.lastLine();
  }

  private OpenAIClient sdk(GenieServer instance, String key) {
    OpenAIClient client =
        OpenAIOkHttpClient.builder()
            .baseUrl(instance.uri() + "/v1")
            .apiKey(key)
            .maxRetries(0)
            .timeout(settings.timeout())
            .build();
    sdkClients.add(client);
    return client;
  }

  private static ChatCompletionCreateParams question(double temperature) {
    return ChatCompletionCreateParams.builder()
        .model(MODEL)
        .addSystemMessage("Answer in five words.")
        .addUserMessage(QUESTION)
        .temperature(temperature)
        .build();
  }

  /** One SDK call through its raw-response API: status, Genie's headers, the body as sent. */
  private static Call rawCall(int index, OpenAIClient client, ChatCompletionCreateParams params) {
    try (HttpResponseFor<ChatCompletion> response =
        client.chat().completions().withRawResponse().create(params)) {
      String body;
      try (InputStream in = response.body()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      return new Call(
          index,
          response.statusCode(),
          first(response.headers().values("Genie-Cache")),
          first(response.headers().values("Genie-Prompt-Id")),
          body);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String first(List<String> values) {
    return values.isEmpty() ? null : values.get(0);
  }

  /**
   * Holds the fake's answer until {@code callers} claims were made across both instances, so that
   * every caller but the first is waiting for the one generation when it ends.
   */
  private Thread releaseOnceAllClaimed(CountDownLatch release, int callers) {
    Thread watcher =
        new Thread(
            () -> {
              try {
                List<GenieClient> clients =
                    instances.stream()
                        .map(genie -> new GenieClient(genie.uri(), settings.timeout(), adminKey))
                        .toList();
                long deadline = System.nanoTime() + settings.timeout().toNanos();
                while (claims(clients) < callers && System.nanoTime() < deadline) {
                  Thread.sleep(20);
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              } finally {
                release.countDown();
              }
            },
            "release-when-claimed");
    watcher.start();
    return watcher;
  }

  private static double claims(List<GenieClient> clients) throws Exception {
    double sum = 0;
    for (GenieClient client : clients) {
      sum +=
          PrometheusText.parse(client.get("/metrics").body()).sum("genie_claims_total", Map.of());
    }
    return sum;
  }

  /** The sum over both instances of a metric's samples with these labels. */
  private double metric(String name, Map<String, String> labels) throws Exception {
    double sum = 0;
    for (GenieServer genie : instances) {
      GenieClient client = new GenieClient(genie.uri(), settings.timeout(), adminKey);
      sum += PrometheusText.parse(client.get("/metrics").body()).sum(name, labels);
    }
    return sum;
  }

  @Test
  void aBurstFromTheOpenAiSdkOverTwoInstancesCostsOneUpstreamCallAndGetsOneBody() throws Exception {
    int n = Math.max(64, settings.n());
    CountDownLatch release = new CountDownLatch(1);
    fake.then(Reply.text("Rain drums, tin sings, sleep").heldUntil(release));
    List<OpenAIClient> clients = List.of(sdk(instances.get(0), keyA), sdk(instances.get(1), keyA));
    List<Call> calls = new CopyOnWriteArrayList<>();
    long started = System.nanoTime();

    Thread watcher = releaseOnceAllClaimed(release, n);
    new Burst(n, settings.timeout())
        .run(i -> calls.add(rawCall(i, clients.get(i % 2), question(0.2))));
    watcher.join();
    long burstMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    Map<Integer, Long> statuses = count(calls, Call::status);
    Map<String, Long> caches = count(calls, call -> String.valueOf(call.cache()));
    double saved = metric("genie_tokens_saved_total", Map.of("surface", "v1"));
    String figures =
        "callers="
            + n
            + " over 2 instances, statuses="
            + statuses
            + ", upstream calls="
            + fake.calls()
            + ", Genie-Cache="
            + caches
            + ", distinct bodies="
            + calls.stream().map(Call::body).distinct().count()
            + ", tokens saved="
            + (long) saved
            + ", burst took "
            + burstMillis
            + " ms";
    artifacts.summary("v1 burst (OpenAI Java SDK)", () -> figures);
    System.out.println("v1 burst (OpenAI Java SDK): " + figures);

    assertThat(fake.calls()).as("calls that reached the upstream").isEqualTo(1);
    assertThat(statuses).isEqualTo(Map.of(200, (long) n));
    assertThat(caches).isEqualTo(Map.of("miss", 1L, "coalesced", (long) n - 1));
    assertThat(calls.stream().map(Call::body).distinct()).hasSize(1);
    assertThat(calls.stream().map(Call::promptId).distinct()).hasSize(1);
    String body = calls.get(0).body();
    assertThat(body).startsWith("{\"id\":\"chatcmpl-fake-1\",\"object\":\"chat.completion\"");
    assertThat((long) saved).isEqualTo((long) (n - 1) * TOKENS_PER_ANSWER);
    String canonical = fake.bodies().get(0);
    checkDatabase(calls, "team-a", canonical, body);

    // Later, the same call through the SDK's parsed API: a hit, the same completion.
    HttpResponseFor<ChatCompletion> later =
        clients.get(1).chat().completions().withRawResponse().create(question(0.2));
    ChatCompletion parsed = later.parse();
    assertThat(later.headers().values("Genie-Cache")).containsExactly("hit");
    assertThat(parsed.id()).isEqualTo("chatcmpl-fake-1");
    assertThat(parsed.choices().get(0).message().content())
        .contains("Rain drums, tin sings, sleep");
    Call again = rawCall(n, clients.get(0), question(0.2));
    assertThat(again.cache()).isEqualTo("hit");
    assertThat(again.body()).isEqualTo(body);

    // The same request with its members reordered and re-spaced, sent raw: a hit.
    GenieResponse raw =
        new GenieClient(instances.get(0).uri(), settings.timeout(), keyA)
            .post("/v1/chat/completions", "application/json", reorderedAndRespaced(canonical));
    assertThat(raw.status()).as(raw.body()).isEqualTo(200);
    assertThat(raw.header("Genie-Cache")).isEqualTo("hit");
    assertThat(raw.body()).isEqualTo(body);

    // Another temperature is another request: one more upstream call.
    Call warmer = rawCall(n + 1, clients.get(0), question(0.9));
    assertThat(warmer.cache()).isEqualTo("miss");
    assertThat(warmer.body()).contains("\"id\":\"chatcmpl-fake-2\"");
    assertThat(fake.calls()).isEqualTo(2);
    assertThat(fake.callAuthorizations()).containsOnly("Bearer sk-upstream-it-not-real");
  }

  /**
   * The database, read through plain JDBC, holds one chat item in {@code namespace}, keyed over the
   * canonical JSON that reached the upstream, completed once with exactly the body every caller
   * got, under the id every caller was told.
   */
  private void checkDatabase(List<Call> calls, String namespace, String canonical, String body)
      throws Exception {
    String profileId = Sha256.hex(CHAT_PROFILE);
    try (Connection connection = database.connect();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT p.id::text, p.prompt_key, p.normalized_text, p.profile::text,"
                    + " p.namespace, r.status, r.envelope::text, r.attempts, r.fencing_token,"
                    + " r.upstream_status"
                    + " FROM genie_prompts p JOIN genie_results r ON r.prompt_id = p.id"
                    + " WHERE p.profile_id = ?")) {
      query.setString(1, profileId);
      try (ResultSet rows = query.executeQuery()) {
        assertThat(rows.next()).as("a chat item").isTrue();
        assertThat(rows.getString(1)).isEqualTo(calls.get(0).promptId());
        assertThat(rows.getString(2))
            .isEqualTo(Sha256.hex("namespace:" + namespace + "\n" + profileId + "\n" + canonical));
        assertThat(rows.getString(3)).isEqualTo(canonical);
        assertThat(rows.getString(4)).isEqualTo(CHAT_PROFILE);
        assertThat(rows.getString(5)).isEqualTo(namespace);
        assertThat(rows.getString(6)).isEqualTo("completed");
        assertThat(rows.getString(7)).isEqualTo(body);
        assertThat(rows.getInt(8)).as("attempts").isEqualTo(1);
        assertThat(rows.getLong(9)).as("leases granted").isEqualTo(1);
        assertThat(rows.getObject(10)).isNull();
        assertThat(rows.next()).as("one chat item only").isFalse();
      }
    }
    for (Call call : calls) {
      assertThat(call.promptId()).as("call %d", call.index()).isEqualTo(calls.get(0).promptId());
    }
  }

  /** The same members in reverse order, with white space and members left out of the key. */
  private static String reorderedAndRespaced(String canonical) throws Exception {
    JsonNode request = JSON.readTree(canonical);
    List<String> names = new ArrayList<>();
    request.fieldNames().forEachRemaining(names::add);
    StringBuilder out = new StringBuilder("{\n  \"stream\" : false,\n  \"user\" : \"end-user-9\"");
    for (int i = names.size() - 1; i >= 0; i--) {
      out.append(",\n    \"")
          .append(names.get(i))
          .append("\" :  ")
          .append(
              JSON.writerWithDefaultPrettyPrinter().writeValueAsString(request.get(names.get(i))));
    }
    return out.append("\n}\n").toString();
  }

  @Test
  void aBurstFromLangChain4jCostsOneUpstreamCallAndEveryCallerGetsItsCompletion() throws Exception {
    int n = Math.max(64, settings.n());
    CountDownLatch release = new CountDownLatch(1);
    fake.then(Reply.text("Tin roof, soft rain").heldUntil(release));
    List<OpenAiChatModel> models =
        instances.stream()
            .map(
                genie ->
                    OpenAiChatModel.builder()
                        .baseUrl(genie.uri() + "/v1")
                        .apiKey(keyA)
                        .modelName(MODEL)
                        .temperature(0.2)
                        .maxRetries(0)
                        .timeout(settings.timeout())
                        .build())
            .toList();
    List<ChatResponse> responses = new CopyOnWriteArrayList<>();

    Thread watcher = releaseOnceAllClaimed(release, n);
    new Burst(n, settings.timeout())
        .run(
            i ->
                responses.add(
                    models
                        .get(i % 2)
                        .chat(dev.langchain4j.data.message.UserMessage.from(QUESTION))));
    watcher.join();

    double misses = metric("genie_answers_total", Map.of("surface", "v1", "cache", "miss"));
    double coalesced = metric("genie_answers_total", Map.of("surface", "v1", "cache", "coalesced"));
    String figures =
        "callers="
            + n
            + " over 2 instances, upstream calls="
            + fake.calls()
            + ", answers: miss="
            + (long) misses
            + " coalesced="
            + (long) coalesced
            + ", distinct ids="
            + responses.stream().map(ChatResponse::id).distinct().count();
    artifacts.summary("v1 burst (LangChain4j)", () -> figures);
    System.out.println("v1 burst (LangChain4j): " + figures);

    assertThat(fake.calls()).isEqualTo(1);
    assertThat(responses).hasSize(n);
    assertThat(responses.stream().map(ChatResponse::id).distinct())
        .containsExactly("chatcmpl-fake-1");
    assertThat(responses.stream().map(r -> r.aiMessage().text()).distinct())
        .containsExactly("Tin roof, soft rain");
    assertThat(responses.get(0).tokenUsage().outputTokenCount()).isEqualTo(34);
    assertThat(misses).isEqualTo(1);
    assertThat(coalesced).isEqualTo(n - 1);
    assertThat(database.number("SELECT count(*) FROM genie_prompts")).isEqualTo(1);
  }

  @Test
  void theEndpointsFailuresReachTheSdkAsItsOwnExceptionsAndTheNextCallAsksAgain() throws Exception {
    OpenAIClient client = sdk(instances.get(0), keyA);
    fake.then(Reply.status(429, "7"), Reply.status(500, null));

    assertThatThrownBy(() -> client.chat().completions().create(question(0.2)))
        .isInstanceOfSatisfying(
            RateLimitException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(429);
              assertThat(e.headers().values("Retry-After")).containsExactly("7");
              assertThat(e.code()).contains("generation_failed");
            });
    assertThatThrownBy(() -> client.chat().completions().create(question(0.2)))
        .isInstanceOfSatisfying(
            InternalServerException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
    ChatCompletion answered = client.chat().completions().create(question(0.2));

    assertThat(answered.id()).isEqualTo("chatcmpl-fake-3");
    assertThat(fake.calls()).isEqualTo(3);
    assertThat(database.number("SELECT count(*) FROM genie_prompts")).isEqualTo(1);
    assertThat(
            database.number(
                "SELECT count(*) FROM genie_results WHERE status = 'completed' AND attempts = 3"))
        .isEqualTo(1);
  }

  @Test
  void aBadKeyIsTheSdksUnauthorizedAndAnotherNamespaceGetsItsOwnCompletion() throws Exception {
    assertThatThrownBy(
            () ->
                sdk(instances.get(0), "genie_" + "A".repeat(43))
                    .chat()
                    .completions()
                    .create(question(0.2)))
        .isInstanceOf(UnauthorizedException.class);
    assertThat(fake.calls()).isZero();

    ChatCompletion a = sdk(instances.get(0), keyA).chat().completions().create(question(0.2));
    ChatCompletion b = sdk(instances.get(1), keyB).chat().completions().create(question(0.2));
    ChatCompletion aAgain = sdk(instances.get(1), keyA).chat().completions().create(question(0.2));

    assertThat(a.id()).isEqualTo("chatcmpl-fake-1");
    assertThat(b.id()).as("never the first namespace's answer").isEqualTo("chatcmpl-fake-2");
    assertThat(aAgain.id()).isEqualTo("chatcmpl-fake-1");
    assertThat(fake.calls()).isEqualTo(2);
    assertThat(
            database.number(
                "SELECT count(DISTINCT namespace) FROM genie_prompts WHERE profile_id = '"
                    + Sha256.hex(CHAT_PROFILE)
                    + "'"))
        .isEqualTo(2);
  }

  private static <K> Map<K, Long> count(List<Call> calls, Function<Call, K> key) {
    return calls.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
  }
}
