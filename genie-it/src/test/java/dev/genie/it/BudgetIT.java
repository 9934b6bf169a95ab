package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.generator.openai.FakeOpenAi;
import dev.genie.generator.openai.FakeOpenAi.Reply;
import dev.genie.generator.openai.OpenAiGenerator;
import dev.genie.generator.openai.OpenAiSettings;
import dev.genie.generator.openai.UpstreamListener;
import dev.genie.http.GenieServer;
import dev.genie.it.support.Artifacts;
import dev.genie.it.support.Burst;
import dev.genie.it.support.CliRun;
import dev.genie.it.support.Exchange;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.History;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A key's daily token budget is a limit, not an estimate: every generation reserves its worst case
 * in PostgreSQL before it starts, so that parallel requests on two instances cannot overshoot it,
 * and answers the model cut off are charged for what they used. Spending is read with plain JDBC,
 * and the tokens the upstream spent are counted at the fake upstream.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BudgetIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension final Artifacts artifacts = new Artifacts().serverLogs();
  @RegisterExtension final GenieInstances genies = new GenieInstances();

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Map<String, String> KEYS_ON = Map.of("GENIE_AUTH", "keys");

  /** The key's budget for the day. */
  private static final long DAILY_TOKENS = 1_000;

  /** What the fake upstream reports for every answer: 20 read, 80 written. */
  private static final long TOKENS_PER_ANSWER = 100;

  /** The output limit of each generation: what its worst case adds to the prompt's estimate. */
  private static final int OUTPUT_LIMIT = 80;

  private FakeOpenAi fake;
  private TestDatabase database;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeOpenAi();
    database = POSTGRES.server().freshDatabase();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private OpenAiGenerator generator() {
    return new OpenAiGenerator(
        OpenAiSettings.builder()
            .baseUrl(fake.baseUrl())
            .apiKey("sk-it-not-a-real-key")
            .model(FakeOpenAi.MODEL)
            .maxOutputTokens(OUTPUT_LIMIT)
            .build(),
        UpstreamListener.NONE);
  }

  /** Creates a key with the jar's own command and returns it. */
  private String createKey(String name, long dailyTokens) {
    CliRun run =
        CliRun.of(
            Map.of("DATABASE_URL", database.databaseUrl()),
            "keys",
            "create",
            "--name",
            name,
            "--daily-tokens",
            Long.toString(dailyTokens));
    assertThat(run.status()).as("keys create: %s", run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    return lines.get(lines.size() - 1);
  }

  private long spentToday(String key) throws Exception {
    return database.number(
        "SELECT coalesce(sum(tokens), 0) FROM genie_token_usage WHERE key_name = '"
            + key
            + "' AND day = (now() AT TIME ZONE 'UTC')::date");
  }

  @Test
  void fiftyParallelNewPromptsOverTwoInstancesSpendNoMoreThanTheDailyBudget() throws Exception {
    fake.always(Reply.pages("Autumn", "Leaves fall.").usage(20, 80).after(Duration.ofMillis(200)));
    String key = createKey("parallel", DAILY_TOKENS);
    List<GenieServer> servers =
        List.of(
            genies.sql(database, generator(), KEYS_ON), genies.sql(database, generator(), KEYS_ON));
    List<GenieClient> clients =
        servers.stream().map(server -> new GenieClient(server.uri(), TIMEOUT, key)).toList();
    History history = new History();
    artifacts.record(history);
    int n = 50;

    new Burst(n, TIMEOUT)
        .post(history, i -> clients.get(i % 2), i -> "a distinct poem number " + i);

    List<Exchange> exchanges = history.exchanges();
    Map<Integer, Long> statuses = count(exchanges, Exchange::httpStatus);
    Map<String, Long> codes = count(exchanges, e -> String.valueOf(e.errorCode()));
    long upstreamTokens = fake.calls() * TOKENS_PER_ANSWER;
    String figures =
        "n="
            + n
            + " over 2 instances, daily budget="
            + DAILY_TOKENS
            + ", statuses="
            + statuses
            + ", upstream calls="
            + fake.calls()
            + ", upstream tokens="
            + upstreamTokens
            + ", charged="
            + spentToday("parallel");
    artifacts.summary("budget burst", () -> figures);
    System.out.println("budget burst: " + figures);

    assertThat(upstreamTokens).isLessThanOrEqualTo(DAILY_TOKENS);
    assertThat(fake.calls()).as("some generations ran").isPositive();
    assertThat(statuses.keySet()).containsOnly(201, 429);
    assertThat(statuses.get(201)).isEqualTo((long) fake.calls());
    assertThat(codes.get("BUDGET_EXHAUSTED")).isEqualTo(n - (long) fake.calls());
    assertThat(spentToday("parallel")).as("settled to what was used").isEqualTo(upstreamTokens);
    assertThat(database.number("SELECT count(*) FROM genie_prompts")).isEqualTo(fake.calls());
  }

  @Test
  void answersCutOffAreChargedUntilTheBudgetIsSpentThenRefused() throws Exception {
    fake.always(Reply.cutOff("Leaves fall and").usage(20, 80));
    String key = createKey("cut-off", DAILY_TOKENS);
    GenieClient client =
        new GenieClient(genies.sql(database, generator(), KEYS_ON).uri(), TIMEOUT, key);

    Map<Integer, Long> statuses = new TreeMap<>();
    GenieResponse last = null;
    for (int i = 0; i < 30 && (last == null || last.status() != 429); i++) {
      last = client.post("a poem cut off, number " + i);
      statuses.merge(last.status(), 1L, Long::sum);
    }
    long charged = spentToday("cut-off");
    System.out.println(
        "budget cut-off: statuses="
            + statuses
            + ", upstream calls="
            + fake.calls()
            + ", charged="
            + charged);

    assertThat(last.status()).as("%s", last).isEqualTo(429);
    assertThat(last.errorCode()).isEqualTo("BUDGET_EXHAUSTED");
    assertThat(statuses).containsOnlyKeys(502, 429).containsEntry(429, 1L);
    assertThat(statuses.get(502)).isEqualTo((long) fake.calls());
    assertThat(charged).isEqualTo(fake.calls() * TOKENS_PER_ANSWER);
    assertThat(charged).isLessThanOrEqualTo(DAILY_TOKENS);
    long worstCase = generator().worstCaseTokens("a poem cut off, number 99").getAsLong();
    assertThat(DAILY_TOKENS - charged)
        .as("spent: what is left is less than one more generation's worst case, %s", worstCase)
        .isLessThan(worstCase);
    GenieResponse again = client.post("a poem cut off, number 0");
    assertThat(again.status()).as("a failed prompt is no stored answer: %s", again).isEqualTo(429);
  }

  private static <K> Map<K, Long> count(List<Exchange> exchanges, Function<Exchange, K> key) {
    return exchanges.stream()
        .collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
  }
}
