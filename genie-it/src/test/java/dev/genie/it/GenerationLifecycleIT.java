package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.http.GenieServer;
import dev.genie.it.support.Burst;
import dev.genie.it.support.Exchange;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.InvariantChecker;
import dev.genie.it.support.PrometheusText;
import dev.genie.it.support.ServerLog;
import dev.genie.it.support.TestDatabase;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Liveness of a generation: a lease is renewed while its owner generates, so a long generation is
 * never taken over; a result whose owner died is finished by a survivor without another POST; a
 * completion the database refuses for a moment is retried while the lease is ours. Time is driven
 * by short leases in the settings; every assertion is about outcomes, never durations.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GenerationLifecycleIT extends InstancesOnPostgres {
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path workDir;

  @Test
  void aGenerationLongerThanTheLeaseRunsOnceForEveryCaller() throws Exception {
    TestDatabase database = POSTGRES.server().freshDatabase();
    String prompt = "A generation that outlives its lease twice over";
    Map<String, String> settings =
        Map.of("GENIE_LEASE_MS", "2000", "GENIE_WAIT_TIMEOUT_MS", "30000");
    CountingGenerator first = CountingGenerator.sample(Duration.ofMillis(5000));
    CountingGenerator second = CountingGenerator.sample(Duration.ofMillis(5000));
    GenieClient one = new GenieClient(genies.sql(database, first, settings).uri(), PATIENCE);
    GenieClient two = new GenieClient(genies.sql(database, second, settings).uri(), PATIENCE);
    int n = 12;

    long started = System.nanoTime();
    new Burst(n, PATIENCE).post(history, i -> i % 2 == 0 ? one : two, i -> prompt);
    long millis = (System.nanoTime() - started) / 1_000_000;

    Row row = Row.only(database);
    double fencedOut = metric(one, "fenced_out") + metric(two, "fenced_out");
    int generations = first.calls() + second.calls();
    artifacts.summary(
        "figures",
        () ->
            String.format(
                "lease 2000 ms, generation 5000 ms, %d POSTs over 2 instances: statuses %s in %d"
                    + " ms; generations %d, fenced out %.0f; row %s",
                n, statuses(history.exchanges()), millis, generations, fencedOut, row));
    checkInvariants(database, prompt);
    assertThat(statuses(history.exchanges())).isEqualTo(Map.of(200, n - 1, 201, 1));
    assertThat(generations).as("generator runs over both instances").isEqualTo(1);
    assertThat(fencedOut).isZero();
    assertThat(row.status()).isEqualTo("completed");
    assertThat(row.attempts()).isEqualTo(1);
    assertThat(row.takeovers()).isZero();
  }

  @Test
  void anOwnerKilledAfterItsCallersGot202IsFinishedByASurvivorWithoutAnotherPost()
      throws Exception {
    TestDatabase database = POSTGRES.server().freshDatabase();
    String prompt = "A prompt whose owner is killed";
    CountingGenerator survivorsGenerator = CountingGenerator.sample(Duration.ZERO);
    GenieServer survivor =
        genies.sql(
            database,
            survivorsGenerator,
            Map.of("GENIE_LEASE_MS", "1000", "GENIE_WAIT_TIMEOUT_MS", "300"));
    GenieClient survivorClient = new GenieClient(survivor.uri(), PATIENCE);

    GenieResponse ownersAnswer;
    long killedAt;
    try (GenieProcess owner = GenieProcess.start(dir("owner"), ownerEnv(database, "120000"))) {
      GenieClient ownerClient = new GenieClient(URI.create(owner.awaitServing(PATIENCE)), PATIENCE);
      ownersAnswer = ownerClient.post(prompt);
      new Burst(4, PATIENCE).post(history, survivorClient, i -> prompt);
      owner.kill();
      killedAt = System.nanoTime();
    }

    GenieResponse completed = awaitCompleted(survivorClient, ownersAnswer.text("promptId"));
    long millis = (System.nanoTime() - killedAt) / 1_000_000;
    Row row = Row.only(database);
    double swept =
        PrometheusText.parse(survivorClient.get("/metrics").body())
            .value("genie_sweep_takeovers_total", Map.of());
    artifacts.summary(
        "figures",
        () ->
            String.format(
                "owner answered %d, the survivor's callers %s; after kill -9, GET alone saw"
                    + " completed %d ms later; survivor's generations %d, swept %.0f; row %s",
                ownersAnswer.status(),
                statuses(history.exchanges()),
                millis,
                survivorsGenerator.calls(),
                swept,
                row));
    assertThat(ownersAnswer.status()).isEqualTo(202);
    assertThat(statuses(history.exchanges())).isEqualTo(Map.of(202, 4));
    assertThat(completed.text("resultId")).isEqualTo(ownersAnswer.text("resultId"));
    assertThat(survivorsGenerator.calls()).isEqualTo(1);
    assertThat(swept).isEqualTo(1);
    assertThat(row.status()).isEqualTo("completed");
    assertThat(row.attempts()).isEqualTo(1);
    assertThat(row.takeovers()).isEqualTo(1);
  }

  @Test
  void aCompletionBlockedByALockedRowIsRetriedUntilItIsStored() throws Exception {
    TestDatabase database = POSTGRES.server().freshDatabase();
    String prompt = "A result whose row is locked as it completes";
    CountingGenerator gated = CountingGenerator.gated();
    GenieServer genie =
        genies.sql(
            database,
            gated,
            Map.of(
                "GENIE_LEASE_MS", "60000",
                "GENIE_DB_LOCK_TIMEOUT_MS", "100",
                "GENIE_WAIT_TIMEOUT_MS", "30000"));
    GenieClient client = new GenieClient(genie.uri(), PATIENCE);

    CompletableFuture<Exchange> creator =
        CompletableFuture.supplyAsync(() -> history.send(0, client, prompt));
    gated.awaitEntered(PATIENCE);
    int retriesSeen;
    try (Connection locker = database.connect()) {
      locker.setAutoCommit(false);
      try (Statement statement = locker.createStatement()) {
        statement.execute("SELECT * FROM genie_results FOR UPDATE");
      }
      int before = retryLines();
      gated.open();
      retriesSeen = awaitRetryLines(before + 2) - before;
      locker.rollback();
    }
    Exchange created = creator.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    Row row = Row.only(database);
    PrometheusText metrics = PrometheusText.parse(client.get("/metrics").body());

    artifacts.summary(
        "figures",
        () ->
            String.format(
                "completion refused %d+ times by a row lock (lock_timeout 100 ms), then the lock"
                    + " went: the creator got %d after %.0f ms; generations %d; row %s",
                retriesSeen, created.httpStatus(), created.latencyMs(), gated.calls(), row));
    checkInvariants(database, prompt);
    assertThat(created.httpStatus()).isEqualTo(201);
    assertThat(gated.calls()).isEqualTo(1);
    assertThat(row.status()).isEqualTo("completed");
    assertThat(row.attempts()).isEqualTo(1);
    assertThat(metrics.value("genie_generations_total", Map.of("outcome", "completed")))
        .isEqualTo(1);
    assertThat(metrics.value("genie_generations_total", Map.of("outcome", "unstored"))).isZero();
  }

  @Test
  void theLegacyStoreResumesWhatWasPendingAfterKill9() throws Exception {
    Path dataDir = workDir.resolve("data");
    String prompt = "A prompt pending when the legacy store's process died";
    Map<String, String> env = new HashMap<>();
    env.put("GENIE_STORAGE", "legacy");
    env.put("GENIE_DATA_DIR", dataDir.toString());
    env.put("GENIE_PORT", "0");
    // A lease longer than the test's patience: only its release on replay lets the restart finish.
    env.put("GENIE_LEASE_MS", "600000");
    env.put("GENIE_WAIT_TIMEOUT_MS", "300");
    env.put("GENIE_SAMPLE_DELAY_MS", "600000");
    artifacts.file("genie", workDir);

    GenieResponse pending;
    try (GenieProcess crashed = GenieProcess.start(dir("crashed"), env)) {
      pending = new GenieClient(URI.create(crashed.awaitServing(PATIENCE)), PATIENCE).post(prompt);
      crashed.kill();
    }
    env.put("GENIE_SAMPLE_DELAY_MS", "0");
    GenieResponse resumed;
    long millis;
    try (GenieProcess restarted = GenieProcess.start(dir("restarted"), env)) {
      GenieClient client = new GenieClient(URI.create(restarted.awaitServing(PATIENCE)), PATIENCE);
      long started = System.nanoTime();
      resumed = awaitCompleted(client, pending.text("promptId"));
      millis = (System.nanoTime() - started) / 1_000_000;
      restarted.terminate();
      assertThat(restarted.awaitExit(PATIENCE)).isZero();
    }

    artifacts.summary(
        "figures",
        () ->
            String.format(
                "POST %d, kill -9, restart with a 600 s lease: GET saw completed %d ms after the"
                    + " restart served",
                pending.status(), millis));
    assertThat(pending.status()).isEqualTo(202);
    assertThat(resumed.text("resultId")).isEqualTo(pending.text("resultId"));
    assertThat(resumed.envelopeText()).contains("\"version\":1");
  }

  private Path dir(String name) throws Exception {
    return Files.createDirectories(workDir.resolve(name));
  }

  private static Map<String, String> ownerEnv(TestDatabase database, String generationMillis) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", database.databaseUrl());
    env.put("GENIE_REQUIRE_DB", "1");
    env.put("GENIE_PORT", "0");
    env.put("GENIE_DB_POOL_SIZE", "4");
    env.put("GENIE_LEASE_MS", "1000");
    env.put("GENIE_WAIT_TIMEOUT_MS", "300");
    env.put("GENIE_SAMPLE_DELAY_MS", generationMillis);
    return env;
  }

  /** Reads the prompt with GET until it is completed; nothing else is sent. */
  static GenieResponse awaitCompleted(GenieClient client, String promptId) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      GenieResponse response = client.get("/prompts/" + promptId);
      if (response.status() == 200 && "completed".equals(response.text("status"))) {
        return response;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "prompt " + promptId + " still " + response + " after " + PATIENCE);
      }
      Thread.sleep(50);
    }
  }

  private void checkInvariants(TestDatabase database, String prompt) throws Exception {
    InvariantChecker checker = new InvariantChecker(history, Map.of(prompt, Set.of(prompt)));
    try (Connection connection = database.connect()) {
      checker.checkSql(connection);
    }
  }

  private static double metric(GenieClient client, String outcome) throws Exception {
    return PrometheusText.parse(client.get("/metrics").body())
        .value("genie_generations_total", Map.of("outcome", outcome));
  }

  private static int retryLines() throws Exception {
    return (int) ServerLog.lines().stream().filter(l -> l.contains("failed; retrying")).count();
  }

  private static int awaitRetryLines(int count) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    int seen;
    while ((seen = retryLines()) < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no retried completion was logged within " + PATIENCE);
      }
      Thread.sleep(20);
    }
    return seen;
  }

  private static Map<Integer, Integer> statuses(List<Exchange> exchanges) {
    return exchanges.stream()
        .collect(Collectors.toMap(Exchange::httpStatus, e -> 1, Integer::sum, TreeMap::new));
  }

  /** The only result row, read with plain JDBC. */
  record Row(String status, int attempts, int takeovers) {
    static Row only(TestDatabase database) throws Exception {
      try (Connection connection = database.connect();
          PreparedStatement select =
              connection.prepareStatement(
                  "SELECT status, attempts, fencing_token - attempts FROM genie_results");
          ResultSet row = select.executeQuery()) {
        assertThat(row.next()).as("a result row").isTrue();
        Row only = new Row(row.getString(1), row.getInt(2), row.getInt(3));
        assertThat(row.next()).as("a second result row").isFalse();
        return only;
      }
    }
  }
}
