package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.http.GenieServer;
import dev.genie.it.support.Acknowledged;
import dev.genie.it.support.Artifacts;
import dev.genie.it.support.EmbeddedCluster;
import dev.genie.it.support.Exchange;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.History;
import dev.genie.it.support.Load;
import dev.genie.it.support.OwnCluster;
import dev.genie.it.support.StoredRows;
import dev.genie.it.support.TestDatabase;
import java.io.IOException;
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
 * PostgreSQL restarted under load, once as an operator restarts it and once killed with SIGKILL:
 * requests during the outage get 503, Genie recovers without a restart of its own, and every prompt
 * acknowledged before, during or after is in the database.
 *
 * <p>It always runs: it restarts an embedded PostgreSQL of its own ({@link EmbeddedCluster}), never
 * the server behind DATABASE_URL, which may be serving others.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PostgresRestartIT {
  @RegisterExtension final Artifacts artifacts = new Artifacts();

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @RegisterExtension final GenieInstances genies = new GenieInstances();
  private final History history = new History();

  @RegisterExtension static final OwnCluster CLUSTER = new OwnCluster("restart");

  @Test
  void aRestartCosts503sOnlyAndLosesNothingAcknowledged() throws Exception {
    survives("restart", CLUSTER.cluster()::restart);
  }

  @Test
  void aCrashCosts503sOnlyAndLosesNothingAcknowledged() throws Exception {
    survives("kill -9", CLUSTER.cluster()::crashAndRestart);
  }

  private void survives(String what, Runnable outage) throws Exception {
    artifacts.record(history);
    TestDatabase database = CLUSTER.server().freshDatabase();
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
    try (Load load = Load.start(history, client, 4, "through a restart")) {
      load.awaitSuccesses(20, PATIENCE);
      restartStarted = history.nanosSinceStart();
      outage.run();
      awaitPostgres(database);
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
            what
                + " took "
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
    // The load crossed the outage: a 503 is allowed there, not required (a retry may bridge it).
    assertThat(all)
        .as("requests in flight during the " + what)
        .anySatisfy(e -> assertThat(phase(e, restartStarted, restartEnded)).isEqualTo("during"));
    assertThat(unavailable)
        .allSatisfy(e -> assertThat(e.errorCode()).isEqualTo("STORAGE_UNAVAILABLE"));
    assertThat(acknowledged.missing()).isEmpty();
    assertThat(all.stream().filter(Exchange::isCompleted).map(Exchange::promptId))
        .allSatisfy(id -> assertThat(completed).contains(id));
    assertThat(healthAfter).isEqualTo(200);
  }

  /** Waits until PostgreSQL accepts connections again. */
  private static void awaitPostgres(TestDatabase database) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      try (Connection connection = database.connect()) {
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
