package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.core.Normalizer;
import dev.genie.http.GenieServer;
import dev.genie.it.support.AnswerLosingProxy;
import dev.genie.it.support.Artifacts;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.TestDatabase;
import dev.genie.persistence.Claim;
import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.PromptStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Statements that commit and lose their answer, as when the primary crashes after a commit reached
 * the synchronous standby: a proxy cuts the connection as the answer comes. The store retries each
 * on a fresh connection and must recognize what the lost attempt was granted as its own; else the
 * result stays pending under a lease that nobody runs, until it expires.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LostAnswersIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension final Artifacts artifacts = new Artifacts();
  @RegisterExtension final GenieInstances genies = new GenieInstances();

  private static final Duration WAIT = Duration.ofSeconds(5);

  /** This instance's id, which every lease it is granted names: the proxy looks for it. */
  private static final String INSTANCE = "genie-losing-answers";

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private final CountingGenerator generator = CountingGenerator.sample(Duration.ZERO);
  private AnswerLosingProxy proxy;

  @AfterEach
  void closeProxy() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
  }

  /** A lease longer than the wait: one that nobody runs would outlast the request. */
  @Test
  void aClaimWhoseAnswerWasLostIsGeneratedByItsRequest() throws Exception {
    TestDatabase database = POSTGRES.server().freshDatabase();
    GenieServer genie = genie(database, Duration.ofSeconds(60));
    proxy.loseAnswerCarrying(INSTANCE); // the claim's: it names the lease granted

    GenieResponse response =
        new GenieClient(genie.uri(), PATIENCE).post("a claim whose answer is lost");

    assertThat(proxy.lostAnAnswer()).as("the claim's answer was lost").isTrue();
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    assertThat(response.text("status")).isEqualTo("completed");
    assertThat(response.header("Genie-Cache")).isEqualTo("miss");
    assertThat(generator.calls()).as("generations").isEqualTo(1);
    assertThat(pending(database)).as("results left pending").isZero();
  }

  @Test
  void aTakeOverWhoseAnswerWasLostIsGeneratedByTheWaiter() throws Exception {
    TestDatabase database = POSTGRES.server().freshDatabase();
    GenieServer genie = genie(database, Duration.ofSeconds(60));
    PromptStore store = genie.orchestrator().store();
    Claim failed = claimAs(genie, "a failed prompt taken over", "a crashed owner", LEASE_LONG);
    store.fail(failed.lease().orElseThrow(), "the model was down", Instant.now());
    proxy.loseAnswerCarrying(INSTANCE); // the takeover's: a failed result names no owner

    GenieResponse response =
        new GenieClient(genie.uri(), PATIENCE).post("a failed prompt taken over");

    assertThat(proxy.lostAnAnswer()).as("the takeover's answer was lost").isTrue();
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.text("status")).isEqualTo("completed");
    assertThat(generator.calls()).as("generations").isEqualTo(1);
    assertThat(pending(database)).as("results left pending").isZero();
  }

  /** A short lease, so that sweeps come often; what a lost sweep took is resumed by its retry. */
  @Test
  void aSweepWhoseAnswerWasLostResumesWhatItTook() throws Exception {
    Duration lease = Duration.ofSeconds(4);
    TestDatabase database = POSTGRES.server().freshDatabase();
    GenieServer genie = genie(database, lease);
    claimAs(genie, "a prompt left by a crashed owner", "a crashed owner", Duration.ofMillis(1));
    proxy.loseAnswerCarrying(INSTANCE); // the sweep's that took it

    proxy.awaitLost(lease.multipliedBy(2));
    long lostAt = System.nanoTime();
    awaitNothingPending(database, lease.dividedBy(2));

    artifacts.summary(
        "figures",
        () -> "completed " + (System.nanoTime() - lostAt) / 1_000_000 + " ms after the loss");
    assertThat(generator.calls()).as("generations").isEqualTo(1);
  }

  private static final Duration LEASE_LONG = Duration.ofMinutes(1);

  private GenieServer genie(TestDatabase database, Duration lease) throws Exception {
    proxy = AnswerLosingProxy.start(database);
    return genies.sql(
        database,
        generator,
        Map.of(
            "DATABASE_URL", proxy.databaseUrl(database),
            "GENIE_INSTANCE_ID", INSTANCE,
            "GENIE_LEASE_MS", Long.toString(lease.toMillis()),
            "GENIE_WAIT_TIMEOUT_MS", Long.toString(WAIT.toMillis())));
  }

  /** Claims {@code text} straight in the store, as another instance would have. */
  private static Claim claimAs(GenieServer genie, String text, String owner, Duration lease) {
    NewPrompt prompt = new Normalizer(8000).normalize(text, genie.orchestrator().profile());
    Claim claim =
        genie.orchestrator().store().claim(prompt, new LeaseTerms(owner, Instant.now(), lease, 3));
    assertThat(claim.lease()).as("the claim of " + text).isPresent();
    return claim;
  }

  private static long pending(TestDatabase database) throws Exception {
    return database.number("SELECT count(*) FROM genie_results WHERE status <> 'completed'");
  }

  private static void awaitNothingPending(TestDatabase database, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    try (Connection connection = database.connect();
        PreparedStatement left =
            connection.prepareStatement(
                "SELECT count(*) FROM genie_results WHERE status <> 'completed'")) {
      while (true) {
        try (ResultSet row = left.executeQuery()) {
          row.next();
          if (row.getLong(1) == 0) {
            return;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("a result was still pending " + within + " after the loss");
        }
        Thread.sleep(20);
      }
    }
  }
}
