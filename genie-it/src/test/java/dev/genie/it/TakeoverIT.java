package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.http.GenieServer;
import dev.genie.it.support.Artifacts;
import dev.genie.it.support.Burst;
import dev.genie.it.support.Exchange;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.History;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.PostgresServer;
import dev.genie.it.support.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * INV-4 across instances: while the owner's lease is live nobody else generates; once it expires
 * exactly one waiter takes over; the stale owner's late result is rejected by the fencing token.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TakeoverIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension final Artifacts artifacts = new Artifacts();

  private static final String PROMPT = "A prompt whose first owner never finishes";
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @RegisterExtension final GenieInstances genies = new GenieInstances();
  private final History history = new History();

  @BeforeEach
  void record() {
    artifacts.record(history);
  }

  @Test
  void whenTheLeaseExpiresOneWaiterTakesOverAndEveryWaiterGetsItsAnswer(PostgresServer postgres)
      throws Exception {
    TestDatabase database = postgres.freshDatabase();
    CountingGenerator stuck = CountingGenerator.gated();
    CountingGenerator taker = CountingGenerator.sample(Duration.ZERO);
    GenieServer owner =
        genies.sql(
            database, stuck, Map.of("GENIE_LEASE_MS", "1500", "GENIE_WAIT_TIMEOUT_MS", "300"));
    GenieServer other = genies.sql(database, taker, Map.of("GENIE_LEASE_MS", "1500"));
    GenieClient ownerClient = new GenieClient(owner.uri(), PATIENCE);
    GenieClient otherClient = new GenieClient(other.uri(), PATIENCE);

    GenieResponse pending = ownerClient.post(PROMPT);
    stuck.awaitEntered(PATIENCE);
    new Burst(32, PATIENCE).post(history, otherClient, i -> PROMPT);

    assertThat(pending.status()).isEqualTo(202);
    assertThat(pending.header("Location")).isEqualTo("/prompts/" + pending.text("promptId"));
    assertThat(history.exchanges()).allSatisfy(e -> assertThat(e.httpStatus()).isEqualTo(200));
    assertThat(history.exchanges())
        .extracting(Exchange::envelope)
        .containsOnly(history.exchanges().get(0).envelope());
    assertThat(taker.calls()).as("generations by the taker's instance").isEqualTo(1);
    String answer = history.exchanges().get(0).envelope();

    stuck.open();
    awaitMetric(ownerClient, "genie_generations_total{outcome=\"fenced_out\"} 1.0");
    StoredResult stored = StoredResult.read(database, pending.text("resultId"));
    assertThat(stored.status()).isEqualTo("completed");
    assertThat(stored.token()).isEqualTo(2);
    assertThat(stored.attempts()).isEqualTo(2);
    assertThat(ownerClient.get("/prompts/" + pending.text("promptId")).envelopeText())
        .isEqualTo(answer);
    assertThat(stuck.calls()).isEqualTo(1);
  }

  @Test
  void aStaleOwnersLateResultIsRejectedByTheToken(PostgresServer postgres) throws Exception {
    TestDatabase database = postgres.freshDatabase();
    OffsetClock clock = new OffsetClock();
    CountingGenerator stuck = CountingGenerator.gated();
    CountingGenerator taker = CountingGenerator.sample(Duration.ZERO);
    GenieServer owner = genies.sql(database, stuck, clock, Map.of("GENIE_WAIT_TIMEOUT_MS", "200"));
    GenieServer other = genies.sql(database, taker, clock, Map.of());
    GenieClient ownerClient = new GenieClient(owner.uri(), PATIENCE);

    GenieResponse pending = ownerClient.post(PROMPT);
    stuck.awaitEntered(PATIENCE);
    clock.advance(Duration.ofSeconds(61)); // past the default 60 s lease, without waiting for it
    GenieResponse takenOver = new GenieClient(other.uri(), PATIENCE).post(PROMPT);
    stuck.open();
    awaitMetric(ownerClient, "genie_generations_total{outcome=\"fenced_out\"} 1.0");

    assertThat(pending.status()).isEqualTo(202);
    assertThat(takenOver.status()).isEqualTo(200);
    assertThat(takenOver.text("resultId")).isEqualTo(pending.text("resultId"));
    StoredResult stored = StoredResult.read(database, pending.text("resultId"));
    assertThat(stored.status()).isEqualTo("completed");
    assertThat(stored.token()).isEqualTo(2);
    assertThat(stored.envelope()).isEqualTo(takenOver.envelopeText());
    assertThat(taker.calls()).isEqualTo(1);
  }

  private static void awaitMetric(GenieClient client, String line) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (System.nanoTime() < deadline) {
      if (client.get("/metrics").body().contains(line)) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("/metrics never showed " + line);
  }

  /** A result row read with plain JDBC. */
  record StoredResult(String status, long token, int attempts, String envelope) {
    static StoredResult read(TestDatabase database, String resultId) throws Exception {
      try (Connection connection = database.connect();
          PreparedStatement select =
              connection.prepareStatement(
                  "SELECT status, fencing_token, attempts, envelope::text FROM genie_results"
                      + " WHERE id = ?::uuid")) {
        select.setString(1, resultId);
        try (ResultSet row = select.executeQuery()) {
          assertThat(row.next()).as("result " + resultId + " in the database").isTrue();
          return new StoredResult(
              row.getString(1), row.getLong(2), row.getInt(3), row.getString(4));
        }
      }
    }
  }
}
