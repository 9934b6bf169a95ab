package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.http.GenieServer;
import dev.genie.it.support.Artifacts;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.StoredRows;
import dev.genie.it.support.TestDatabase;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to the packaged jar, as a process manager stops it: new requests get 503 (then a refused
 * connection), requests in flight finish, leases of generations still running are released, and the
 * process exits 0 within a bounded time. That a stop closes every database connection is checked on
 * an in-process server, whose JVM outlives the stop.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GracefulStopIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension final Artifacts artifacts = new Artifacts();

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path workDir;

  private final ExecutorService clients = Executors.newCachedThreadPool();
  @RegisterExtension final GenieInstances genies = new GenieInstances();

  @AfterEach
  void stop() {
    clients.shutdownNow();
  }

  @Test
  void sigtermLetsRequestsInFlightFinishAndRefusesNewOnes() throws Exception {
    TestDatabase database = POSTGRES.server().freshDatabase();
    Map<String, String> env = env(database);
    env.put("GENIE_SAMPLE_DELAY_MS", "2000");
    env.put("GENIE_SHUTDOWN_GRACE_MS", "20000");
    artifacts.file("genie", workDir);

    try (GenieProcess genie = GenieProcess.start(workDir, env)) {
      GenieClient client = new GenieClient(URI.create(genie.awaitServing(PATIENCE)), PATIENCE);
      List<Future<GenieResponse>> inFlight = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String prompt = "in flight " + i;
        inFlight.add(clients.submit(() -> client.post(prompt)));
      }
      awaitPending(database, 4);
      long signalled = System.nanoTime();
      genie.terminate();
      awaitLine(genie, "Genie stopping");

      // From here on every new request must be refused: 503 while draining, then no connection.
      Map<String, String> after = new ConcurrentHashMap<>();
      List<Future<?>> senders = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        int thread = t;
        senders.add(
            clients.submit(
                () -> {
                  for (int k = 0; genie.isAlive() && k < 1000; k++) {
                    String prompt = "after the signal " + thread + "-" + k;
                    after.put(prompt, outcome(client, prompt));
                    Thread.sleep(25);
                  }
                  return null;
                }));
      }
      int status = genie.awaitExit(PATIENCE);
      long stopMillis = (System.nanoTime() - signalled) / 1_000_000;
      for (Future<?> sender : senders) {
        sender.get(30, TimeUnit.SECONDS);
      }
      List<Integer> finished = new ArrayList<>();
      for (Future<GenieResponse> f : inFlight) {
        finished.add(f.get(30, TimeUnit.SECONDS).status());
      }
      StoredRows rows = rows(database);
      Map<String, String> stored = statusByText(rows);
      Map<String, Long> afterCounts =
          after.values().stream()
              .collect(Collectors.groupingBy(o -> o, TreeMap::new, Collectors.counting()));

      artifacts.summary(
          "figures",
          () ->
              "in flight at SIGTERM: "
                  + finished
                  + "; new requests after it: "
                  + afterCounts
                  + "; exit "
                  + status
                  + " after "
                  + stopMillis
                  + " ms; "
                  + rows.counts()
                  + "; pending leases left "
                  + countPending(rows));
      assertThat(status).isZero();
      assertThat(finished).containsOnly(201);
      assertThat(after.values())
          .isNotEmpty()
          .allSatisfy(
              o ->
                  assertThat(o)
                      .isIn(
                          "503 SHUTTING_DOWN",
                          "connection refused",
                          "connection closed unanswered"))
          .contains("503 SHUTTING_DOWN");
      assertThat(stored.keySet()).noneMatch(text -> text.startsWith("after the signal"));
      for (int i = 0; i < 4; i++) {
        assertThat(stored).containsEntry("in flight " + i, "completed");
      }
      assertThat(countPending(rows)).isZero();
      assertThat(genie.stdout()).contains("Genie stopped").doesNotContain("cut off unanswered");
    }
  }

  @Test
  void callersWaitingPastAShortGraceGet202AndASurvivorFinishesTheirPrompt() throws Exception {
    TestDatabase database = POSTGRES.server().freshDatabase();
    CountingGenerator survivorsGenerator = CountingGenerator.sample(Duration.ZERO);
    GenieClient survivor =
        new GenieClient(
            genies
                .sql(
                    database,
                    survivorsGenerator,
                    Map.of("GENIE_LEASE_MS", "1000", "GENIE_WAIT_TIMEOUT_MS", "300"))
                .uri(),
            PATIENCE);

    Stopped stopped = stopWhileFourWait(database, "8000", "1500");
    GenieResponse completed =
        GenerationLifecycleIT.awaitCompleted(survivor, stopped.answers().get(0).text("promptId"));
    long completedMillis = (System.nanoTime() - stopped.signalledNanos()) / 1_000_000;

    artifacts.summary(
        "figures",
        () ->
            String.format(
                "grace 1500 ms, generation 8000 ms, 4 callers waiting: %s; exit %d after %d ms;"
                    + " last line: %s; a survivor's GET saw completed %d ms after the SIGTERM"
                    + " (its generations: %d)",
                stopped.statuses(),
                stopped.exit(),
                stopped.stopMillis(),
                stopped.lastLine(),
                completedMillis,
                survivorsGenerator.calls()));
    assertThat(stopped.answers())
        .allSatisfy(
            r -> {
              assertThat(r.status()).isEqualTo(202);
              assertThat(r.header("Location")).isEqualTo("/prompts/" + r.text("promptId"));
            });
    assertThat(stopped.exit()).isZero();
    assertThat(stopped.lastLine())
        .contains("4 of 4 requests in flight answered within the grace;")
        .endsWith("leases were released: 1");
    assertThat(completed.text("resultId")).isEqualTo(stopped.answers().get(0).text("resultId"));
    assertThat(survivorsGenerator.calls()).isEqualTo(1);
  }

  @Test
  void callersWaitingWithinALongGraceGetTheirResult() throws Exception {
    TestDatabase database = POSTGRES.server().freshDatabase();

    Stopped stopped = stopWhileFourWait(database, "3000", "20000");

    artifacts.summary(
        "figures",
        () ->
            String.format(
                "grace 20000 ms, generation 3000 ms, 4 callers waiting: %s; exit %d after %d ms;"
                    + " last line: %s",
                stopped.statuses(), stopped.exit(), stopped.stopMillis(), stopped.lastLine()));
    assertThat(stopped.statuses()).isEqualTo(Map.of(200, 3L, 201, 1L));
    assertThat(stopped.answers())
        .extracting(GenieResponse::envelopeText)
        .containsOnly(stopped.answers().get(0).envelopeText());
    assertThat(stopped.exit()).isZero();
    assertThat(stopped.lastLine())
        .contains("4 of 4 requests in flight answered within the grace;")
        .endsWith("leases were released: 0");
    assertThat(countPending(rows(database))).isZero();
  }

  /** What four callers of one prompt got from a process stopped while they waited. */
  private record Stopped(
      List<GenieResponse> answers,
      int exit,
      long signalledNanos,
      long stopMillis,
      String lastLine) {
    Map<Integer, Long> statuses() {
      return answers.stream()
          .collect(
              Collectors.groupingBy(GenieResponse::status, TreeMap::new, Collectors.counting()));
    }
  }

  private Stopped stopWhileFourWait(TestDatabase database, String generationMs, String graceMs)
      throws Exception {
    Map<String, String> env = env(database);
    env.put("GENIE_SAMPLE_DELAY_MS", generationMs);
    env.put("GENIE_SHUTDOWN_GRACE_MS", graceMs);
    env.put("GENIE_LEASE_MS", "1000");
    env.put("GENIE_WAIT_TIMEOUT_MS", "60000");
    artifacts.file("genie", workDir);
    String prompt = "a prompt four callers wait for as Genie stops";
    try (GenieProcess genie = GenieProcess.start(workDir, env)) {
      GenieClient client = new GenieClient(URI.create(genie.awaitServing(PATIENCE)), PATIENCE);
      List<Future<GenieResponse>> waiting = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        waiting.add(clients.submit(() -> client.post(prompt)));
      }
      GenieInstances.awaitClaims(client, 4, PATIENCE);
      long signalled = System.nanoTime();
      genie.terminate();
      int exit = genie.awaitExit(PATIENCE);
      long stopMillis = (System.nanoTime() - signalled) / 1_000_000;
      List<GenieResponse> answers = new ArrayList<>();
      for (Future<GenieResponse> f : waiting) {
        answers.add(f.get(30, TimeUnit.SECONDS)); // a dropped connection fails the test here
      }
      List<String> lines = genie.stdout().lines().toList();
      return new Stopped(answers, exit, signalled, stopMillis, lines.get(lines.size() - 1));
    }
  }

  @Test
  void aGenerationOutlastingTheGraceHasItsLeaseReleased() throws Exception {
    TestDatabase database = POSTGRES.server().freshDatabase();
    Map<String, String> env = env(database);
    env.put("GENIE_SAMPLE_DELAY_MS", "120000");
    env.put("GENIE_WAIT_TIMEOUT_MS", "300");
    env.put("GENIE_SHUTDOWN_GRACE_MS", "1000");
    Path first = Files.createDirectories(workDir.resolve("first"));
    Path second = Files.createDirectories(workDir.resolve("second"));
    artifacts.file("genie", workDir);
    String prompt = "a generation that outlasts the grace";

    GenieResponse pending;
    double leaseSecondsBefore;
    int status;
    long stopMillis;
    String stdout;
    try (GenieProcess genie = GenieProcess.start(first, env)) {
      GenieClient client = new GenieClient(URI.create(genie.awaitServing(PATIENCE)), PATIENCE);
      pending = client.post(prompt);
      leaseSecondsBefore = leaseSecondsLeft(database);
      long signalled = System.nanoTime();
      genie.terminate();
      status = genie.awaitExit(PATIENCE);
      stopMillis = (System.nanoTime() - signalled) / 1_000_000;
      stdout = genie.stdout();
    }
    double leaseSecondsAfter = leaseSecondsLeft(database);

    // Another instance takes the released lease over at once instead of waiting for it to expire.
    Map<String, String> next = env(database);
    next.put("GENIE_WAIT_TIMEOUT_MS", "5000");
    GenieResponse takenOver;
    long takeOverMillis;
    try (GenieProcess genie = GenieProcess.start(second, next)) {
      GenieClient client = new GenieClient(URI.create(genie.awaitServing(PATIENCE)), PATIENCE);
      long started = System.nanoTime();
      takenOver = client.post(prompt);
      takeOverMillis = (System.nanoTime() - started) / 1_000_000;
      genie.terminate();
      genie.awaitExit(PATIENCE);
    }

    artifacts.summary(
        "figures",
        () ->
            String.format(
                "POST %d while generating; SIGTERM with a 1000 ms grace: exit %d after %d ms; lease"
                    + " left %.1f s before, %.1f s after; a new instance answered %d %s after %d"
                    + " ms",
                pending.status(),
                status,
                stopMillis,
                leaseSecondsBefore,
                leaseSecondsAfter,
                takenOver.status(),
                takenOver.text("status"),
                takeOverMillis));
    assertThat(pending.status()).isEqualTo(202);
    assertThat(leaseSecondsBefore).isGreaterThan(30);
    assertThat(status).isZero();
    assertThat(stdout).contains("Genie stopped");
    assertThat(leaseSecondsAfter)
        .as("seconds left on the lease after the stop")
        .isLessThanOrEqualTo(0);
    assertThat(takenOver.status()).isEqualTo(200);
    assertThat(takenOver.text("status")).isEqualTo("completed");
  }

  @Test
  void aStopClosesThePoolAndTheListenerConnection() throws Exception {
    TestDatabase database = POSTGRES.server().freshDatabase();
    GenieServer genie =
        genies.sql(
            database, CountingGenerator.sample(Duration.ZERO), Map.of("GENIE_DB_POOL_SIZE", "3"));
    int before = awaitBackends(database, 4); // the pool's 3 and the listener
    genie.stop();
    int after = awaitBackends(database, 0);

    artifacts.summary(
        "figures",
        () ->
            "Genie's backends: "
                + before
                + " serving (pool of 3 + listener), "
                + after
                + " after the stop");
    assertThat(before).isEqualTo(4);
    assertThat(after).isZero();
  }

  /** Waits until Genie holds {@code expected} backends on the database; returns the last count. */
  private static int awaitBackends(TestDatabase database, int expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int count;
    try (Connection connection = database.connect();
        PreparedStatement query =
            connection.prepareStatement(
                "select count(*) from pg_stat_activity"
                    + " where datname = ? and application_name in ('genie', 'genie-listen')")) {
      query.setString(1, database.name());
      do {
        try (ResultSet row = query.executeQuery()) {
          row.next();
          count = row.getInt(1);
        }
        if (count == expected) {
          return count;
        }
        Thread.sleep(20);
      } while (System.nanoTime() < deadline);
    }
    return count;
  }

  private static Map<String, String> env(TestDatabase database) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", database.databaseUrl());
    env.put("GENIE_REQUIRE_DB", "1");
    env.put("GENIE_PORT", "0");
    env.put("GENIE_DB_POOL_SIZE", "4");
    return env;
  }

  private static String outcome(GenieClient client, String prompt) throws InterruptedException {
    try {
      GenieResponse response = client.post(prompt);
      if (response.status() == 503) {
        return "503 "
            + response.errorCode()
            + (response.header("Retry-After") == null ? " without Retry-After" : "");
      }
      return Integer.toString(response.status());
    } catch (ConnectException e) {
      return "connection refused";
    } catch (IOException e) {
      return "connection closed unanswered"; // it met the listener as it closed
    }
  }

  private static void awaitLine(GenieProcess genie, String text) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!genie.stdout().contains(text)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Genie did not log '" + text + "' within " + PATIENCE);
      }
      Thread.sleep(10);
    }
  }

  private static void awaitPending(TestDatabase database, int count) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (countPending(rows(database)) < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(count + " generations did not start within " + PATIENCE);
      }
      Thread.sleep(20);
    }
  }

  /** Seconds until the lease of the only result expires; negative once it has. */
  private static double leaseSecondsLeft(TestDatabase database) throws SQLException {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery(
                "select extract(epoch from lease_expires_at - now())::float8 from genie_results")) {
      assertThat(row.next()).as("a result row").isTrue();
      return row.getDouble(1);
    }
  }

  private static long countPending(StoredRows rows) {
    return rows.results().stream().filter(r -> "pending".equals(r.get("status"))).count();
  }

  private static Map<String, String> statusByText(StoredRows rows) {
    Map<String, String> textById = new HashMap<>();
    rows.prompts().forEach(p -> textById.put(p.get("id"), p.get("normalized_text")));
    Map<String, String> status = new HashMap<>();
    rows.results().forEach(r -> status.put(textById.get(r.get("prompt_id")), r.get("status")));
    return status;
  }

  private static StoredRows rows(TestDatabase database) throws Exception {
    try (Connection connection = database.connect()) {
      return StoredRows.read(connection);
    }
  }
}
