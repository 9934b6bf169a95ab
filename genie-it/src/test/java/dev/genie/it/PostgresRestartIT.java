package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.genie.http.GenieServer;
import dev.genie.it.support.Acknowledged;
import dev.genie.it.support.Artifacts;
import dev.genie.it.support.Exchange;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.History;
import dev.genie.it.support.Load;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.StoredRows;
import dev.genie.it.support.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PostgreSQL restarted under load: requests during the outage get 503, Genie recovers without a
 * restart of its own, and every prompt acknowledged before, during or after is in the database.
 *
 * <p>It restarts the server behind DATABASE_URL, so it runs only when {@value #RESTART_COMMAND}
 * names the shell command that does that ({@code .ci/run} sets it for the local cluster). Without
 * it the test is reported as skipped, with a message naming the variable.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PostgresRestartIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension final Artifacts artifacts = new Artifacts();

  static final String RESTART_COMMAND = "GENIE_IT_PG_RESTART_COMMAND";

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final String NOT_RUN =
      "this test restarts the PostgreSQL behind DATABASE_URL, and "
          + RESTART_COMMAND
          + " is not set; set it to the shell command that restarts that server (.ci/run sets"
          + " it for the local cluster)";

  @RegisterExtension final GenieInstances genies = new GenieInstances();
  private final History history = new History();

  @Test
  void aRestartCosts503sOnlyAndLosesNothingAcknowledged() throws Exception {
    String command = System.getenv(RESTART_COMMAND);
    boolean allowed = command != null && !command.isBlank();
    if (!allowed) {
      artifacts.summary("skipped", () -> NOT_RUN); // printed, not only kept in the report
    }
    assumeTrue(allowed, NOT_RUN);
    artifacts.record(history);
    TestDatabase database = POSTGRES.server().freshDatabase();
    GenieServer genie =
        genies.sql(
            database,
            CountingGenerator.sample(Duration.ZERO),
            Map.of(
                "GENIE_DB_POOL_SIZE",
                "4",
                "GENIE_DB_CONNECTION_TIMEOUT_MS",
                "1000",
                // Without the retries that bridge a failover, to see what a lost backend costs.
                "GENIE_DB_FAILOVER_WAIT_MS",
                "0"));
    GenieClient client = new GenieClient(genie.uri(), PATIENCE);

    long restartStarted;
    long restartEnded;
    long recoveryMillis;
    String restartOutput;
    try (Load load = Load.start(history, client, 4, "through a restart")) {
      load.awaitSuccesses(20, PATIENCE);
      restartStarted = history.nanosSinceStart();
      restartOutput = run(command);
      restartEnded = history.nanosSinceStart();
      recoveryMillis = load.awaitRecovery(20, restartEnded, PATIENCE);
      load.stop(PATIENCE);
    }
    int healthAfter = client.get("/health").status();
    List<Exchange> all = history.exchanges();
    List<Exchange> unavailable = all.stream().filter(e -> e.httpStatus() == 503).toList();
    StoredRows rows = readRows(database);
    Acknowledged acknowledged = Acknowledged.in(history, rows);
    Set<String> completed = Acknowledged.completed(rows);
    Map<String, Long> acknowledgedByPhase =
        all.stream()
            .filter(Exchange::isSuccess)
            .collect(
                Collectors.groupingBy(
                    e -> phase(e, restartStarted, restartEnded),
                    TreeMap::new,
                    Collectors.counting()));

    artifacts.summary(
        "figures",
        () ->
            "restart took "
                + millis(restartEnded - restartStarted)
                + " ms; "
                + all.size()
                + " requests: "
                + statuses(all)
                + "; 503s from "
                + (unavailable.isEmpty()
                    ? "-"
                    : millis(unavailable.get(0).invokeNanos() - restartStarted))
                + " to "
                + (unavailable.isEmpty()
                    ? "-"
                    : millis(
                        unavailable.get(unavailable.size() - 1).invokeNanos() - restartStarted))
                + " ms after the restart began; 20 successes in a row "
                + recoveryMillis
                + " ms after it ended; acknowledged by phase "
                + acknowledgedByPhase
                + "; "
                + acknowledged
                + "; health afterwards "
                + healthAfter);
    assertThat(all)
        .allSatisfy(
            e ->
                assertThat(e.isSuccess() || e.httpStatus() == 503)
                    .as("only 2xx or 503: " + e)
                    .isTrue());
    assertThat(unavailable)
        .as("503s during the outage; restart said: " + restartOutput)
        .isNotEmpty();
    assertThat(unavailable)
        .allSatisfy(e -> assertThat(e.errorCode()).isEqualTo("STORAGE_UNAVAILABLE"));
    assertThat(acknowledged.missing()).isEmpty();
    assertThat(all.stream().filter(Exchange::isCompleted).map(Exchange::promptId))
        .allSatisfy(id -> assertThat(completed).contains(id));
    assertThat(healthAfter).isEqualTo(200);
  }

  /** Runs the restart command and waits for PostgreSQL to accept connections again. */
  private String run(String command) throws Exception {
    Process process = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
    if (!process.waitFor(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(RESTART_COMMAND + " did not finish within " + PATIENCE);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue())
        .as(RESTART_COMMAND + " exit status; output: " + output)
        .isZero();
    awaitPostgres();
    return output.strip();
  }

  private void awaitPostgres() throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      try (Connection connection = POSTGRES.database().connect()) {
        return;
      } catch (SQLException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("PostgreSQL did not come back within " + PATIENCE, e);
        }
        Thread.sleep(100);
      }
    }
  }

  private static String phase(Exchange e, long restartStarted, long restartEnded) {
    if (e.completeNanos() < restartStarted) {
      return "before";
    }
    return e.invokeNanos() > restartEnded ? "after" : "during";
  }

  private static StoredRows readRows(TestDatabase database) throws SQLException, IOException {
    try (Connection connection = database.connect()) {
      return StoredRows.read(connection);
    }
  }

  private static Map<Integer, Integer> statuses(List<Exchange> exchanges) {
    return exchanges.stream()
        .collect(Collectors.toMap(Exchange::httpStatus, e -> 1, Integer::sum, TreeMap::new));
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }
}
