package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.it.support.Burst;
import dev.genie.it.support.Exchange;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.InvariantChecker;
import dev.genie.it.support.PostgresServer;
import dev.genie.it.support.PrometheusText;
import dev.genie.it.support.TestDatabase;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * INV-4 across instances: while the owner renews its lease nobody else generates; once it hangs and
 * the lease expires, exactly one other caller takes over; when the hung owner wakes, its renewal
 * finds the token moved on, it stops and reports {@code fenced_out}. (It stops before it completes,
 * after the taker completed: {@link StaleCompletionIT} shows the token alone refusing a stale
 * owner's completion.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TakeoverIT extends InstancesOnPostgres {
  private static final String PROMPT = "A prompt whose first owner hangs";
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path workDir;

  @Test
  void aHungOwnersLeaseIsTakenOverOnceAndItsLateResultIsFencedOut(PostgresServer postgres)
      throws Exception {
    TestDatabase database = postgres.freshDatabase();
    CountingGenerator taker = CountingGenerator.sample(Duration.ZERO);
    GenieClient otherClient =
        new GenieClient(
            genies.sql(database, taker, Map.of("GENIE_LEASE_MS", "1000")).uri(), PATIENCE);
    artifacts.file("genie", workDir);

    GenieResponse pending;
    double ownersFencedOut;
    try (GenieProcess owner = GenieProcess.start(workDir, ownerEnv(database))) {
      GenieClient ownerClient = new GenieClient(URI.create(owner.awaitServing(PATIENCE)), PATIENCE);
      pending = ownerClient.post(PROMPT);
      owner.suspend();
      new Burst(32, PATIENCE).post(history, otherClient, i -> PROMPT);
      owner.resume();
      ownersFencedOut = awaitFencedOut(ownerClient);
      assertThat(ownerClient.get("/prompts/" + pending.text("promptId")).envelopeText())
          .isEqualTo(history.exchanges().get(0).envelope());
    }
    Stored stored = Stored.read(database, pending.text("resultId"));

    artifacts.summary(
        "figures",
        () ->
            String.format(
                "owner answered %d, then hung (SIGSTOP); 32 POSTs elsewhere: %s; the taker"
                    + " generated %d time(s); the owner woke and reported fenced_out %.0f; row"
                    + " %s",
                pending.status(), history.summary(), taker.calls(), ownersFencedOut, stored));
    InvariantChecker checker = new InvariantChecker(history, Map.of(PROMPT, Set.of(PROMPT)));
    try (Connection connection = database.connect()) {
      checker.checkSql(connection);
    }
    assertThat(pending.status()).isEqualTo(202);
    assertThat(history.exchanges()).allSatisfy(e -> assertThat(e.httpStatus()).isEqualTo(200));
    assertThat(history.exchanges())
        .extracting(Exchange::envelope)
        .containsOnly(history.exchanges().get(0).envelope());
    assertThat(taker.calls()).as("generations by the taker's instance").isEqualTo(1);
    assertThat(ownersFencedOut).isEqualTo(1);
    assertThat(stored.status()).isEqualTo("completed");
    assertThat(stored.token()).isEqualTo(2);
    assertThat(stored.attempts()).as("a takeover is no new attempt").isEqualTo(1);
    assertThat(stored.envelope()).isEqualTo(history.exchanges().get(0).envelope());
  }

  private static Map<String, String> ownerEnv(TestDatabase database) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", database.databaseUrl());
    env.put("GENIE_REQUIRE_DB", "1");
    env.put("GENIE_PORT", "0");
    env.put("GENIE_DB_POOL_SIZE", "4");
    env.put("GENIE_LEASE_MS", "1000");
    env.put("GENIE_WAIT_TIMEOUT_MS", "300");
    env.put("GENIE_SAMPLE_DELAY_MS", "20000");
    return env;
  }

  private static double awaitFencedOut(GenieClient client) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      double fencedOut =
          PrometheusText.parse(client.get("/metrics").body())
              .value("genie_generations_total", Map.of("outcome", "fenced_out"));
      if (fencedOut > 0 || System.nanoTime() > deadline) {
        return fencedOut;
      }
      Thread.sleep(20);
    }
  }

  /** The result row, read with plain JDBC. */
  record Stored(String status, long token, int attempts, String envelope) {
    static Stored read(TestDatabase database, String resultId) throws Exception {
      try (Connection connection = database.connect();
          PreparedStatement select =
              connection.prepareStatement(
                  "SELECT status, fencing_token, attempts, envelope::text FROM genie_results"
                      + " WHERE id = ?::uuid")) {
        select.setString(1, resultId);
        try (ResultSet row = select.executeQuery()) {
          assertThat(row.next()).as("result " + resultId + " in the database").isTrue();
          return new Stored(row.getString(1), row.getLong(2), row.getInt(3), row.getString(4));
        }
      }
    }
  }
}
