package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.it.support.Artifacts;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The database's clock sets and checks leases and stamps creation times: an instance whose own
 * clock runs two hours ahead neither takes over a live lease nor dates its prompts in the future.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DatabaseClockIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension final Artifacts artifacts = new Artifacts();
  @RegisterExtension final GenieInstances genies = new GenieInstances();

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final Duration SKEW = Duration.ofHours(2);

  @Test
  void anInstanceWhoseClockRunsAheadNeitherTakesOverALiveLeaseNorPostdates() throws Exception {
    TestDatabase database = POSTGRES.server().freshDatabase();
    String prompt = "A prompt generated while another clock runs ahead";
    CountingGenerator owners = CountingGenerator.gated();
    CountingGenerator aheads = CountingGenerator.sample(Duration.ZERO);
    GenieClient owner =
        new GenieClient(
            genies.sql(database, owners, Map.of("GENIE_LEASE_MS", "60000")).uri(), PATIENCE);
    GenieClient ahead =
        new GenieClient(
            genies
                .sql(
                    database,
                    aheads,
                    Clock.offset(Clock.systemUTC(), SKEW),
                    Map.of("GENIE_LEASE_MS", "60000", "GENIE_WAIT_TIMEOUT_MS", "1000"))
                .uri(),
            PATIENCE);

    CompletableFuture<GenieResponse> created =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return owner.post(prompt);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    owners.awaitEntered(PATIENCE);
    GenieResponse waited = ahead.post(prompt);
    double leaseSecondsLeft =
        secondsFromNow(database, "SELECT lease_expires_at FROM genie_results");
    owners.open();
    GenieResponse first = created.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    GenieResponse other = ahead.post("A prompt created by the instance whose clock runs ahead");
    double createdSecondsAgo =
        -secondsFromNow(
            database,
            "SELECT created_at FROM genie_prompts WHERE id = '" + other.text("promptId") + "'");

    artifacts.summary(
        "figures",
        () ->
            String.format(
                "clock 2 h ahead: waited %d with the lease %.1f s from expiry by the database's"
                    + " clock, generations %d; the owner got %d; a prompt it created is dated %.1f"
                    + " s before the database's now",
                waited.status(),
                leaseSecondsLeft,
                aheads.calls(),
                first.status(),
                createdSecondsAgo));
    assertThat(waited.status()).as("no takeover of a live lease").isEqualTo(202);
    assertThat(aheads.calls()).isEqualTo(1); // the second prompt only
    assertThat(owners.calls()).isEqualTo(1);
    assertThat(first.status()).isEqualTo(201);
    assertThat(leaseSecondsLeft).isBetween(30.0, 60.0);
    assertThat(createdSecondsAgo).isBetween(0.0, 30.0);
  }

  /** Seconds from the database's now to the timestamp {@code query} returns. */
  private static double secondsFromNow(TestDatabase database, String query) throws Exception {
    try (Connection connection = database.connect();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT extract(epoch FROM (" + query + ") - now())::float8");
        ResultSet row = select.executeQuery()) {
      assertThat(row.next()).isTrue();
      return row.getDouble(1);
    }
  }
}
