package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.http.GenieServer;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.PostgresServer;
import dev.genie.it.support.TestDatabase;
import dev.genie.persistence.ResultWatch;
import dev.genie.persistence.sql.DatabaseUrl;
import dev.genie.persistence.sql.SqlPromptStore;
import dev.genie.persistence.sql.SqlStoreSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Waiting without busy polling: a completion on one instance wakes the waiters of another through
 * LISTEN/NOTIFY, and the listening connection comes back after it is killed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NotificationsIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  /** Far longer than a notification takes: a watch that waits this long was never woken. */
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @RegisterExtension final GenieInstances genies = new GenieInstances();

  @Test
  void aCompletionOnOneInstanceWakesAWatchOnAnother(PostgresServer postgres) throws Exception {
    TestDatabase database = postgres.freshDatabase();
    CountingGenerator gated = CountingGenerator.gated();
    GenieServer owner = genies.sql(database, gated, Map.of("GENIE_WAIT_TIMEOUT_MS", "100"));
    GenieServer other = genies.sql(database, CountingGenerator.sample(Duration.ZERO), Map.of());

    assertWakesAcrossInstances(owner, other, gated, "a notified prompt");
  }

  @Test
  void theListeningConnectionComesBackAfterItIsKilled(PostgresServer postgres) throws Exception {
    TestDatabase database = postgres.freshDatabase();
    CountingGenerator gated = CountingGenerator.gated();
    GenieServer owner = genies.sql(database, gated, Map.of("GENIE_WAIT_TIMEOUT_MS", "100"));
    GenieServer other = genies.sql(database, CountingGenerator.sample(Duration.ZERO), Map.of());
    Set<Integer> before = listeners(database);
    assertThat(before).as("one listening connection per instance").hasSize(2);

    try (Connection connection = database.connect();
        PreparedStatement kill =
            connection.prepareStatement(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE datname = ? AND application_name = 'genie-listen'")) {
      kill.setString(1, database.name());
      kill.execute();
    }
    Set<Integer> after = awaitNewListeners(database, before);

    assertThat(after).hasSize(2).doesNotContainAnyElementsOf(before);
    GenieResponse health = new GenieClient(other.uri(), PATIENCE).get("/health");
    assertThat(health.text("notifications")).isEqualTo("listening");
    assertWakesAcrossInstances(owner, other, gated, "a prompt after the reconnect");
  }

  @Test
  void aStoreJustOpenedSaysItListens(PostgresServer postgres) throws Exception {
    TestDatabase database = postgres.freshDatabase();
    SqlStoreSettings settings =
        SqlStoreSettings.builder(DatabaseUrl.parse(database.databaseUrl())).poolSize(2).build();

    // What `check` and the startup line print, from the store's first moments on.
    for (int opened = 0; opened < 5; opened++) {
      try (SqlPromptStore store = SqlPromptStore.open(settings)) {
        assertThat(store.describe()).containsEntry("notifications", "listening");
      }
    }
  }

  private static void assertWakesAcrossInstances(
      GenieServer owner, GenieServer other, CountingGenerator gated, String prompt)
      throws Exception {
    GenieResponse pending = new GenieClient(owner.uri(), PATIENCE).post(prompt);
    assertThat(pending.status()).isEqualTo(202);
    try (ResultWatch watch = other.orchestrator().store().watch(pending.text("resultId"))) {
      gated.open();
      long started = System.nanoTime();
      watch.await(PATIENCE);
      Duration waited = Duration.ofNanos(System.nanoTime() - started);

      assertThat(waited).as("woken by the other instance's NOTIFY").isLessThan(PATIENCE);
    }
    assertThat(
            other.orchestrator().find(pending.text("promptId")).orElseThrow().result().envelope())
        .isNotNull();
  }

  private static Set<Integer> awaitNewListeners(TestDatabase database, Set<Integer> old)
      throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (System.nanoTime() < deadline) {
      Set<Integer> current = listeners(database);
      current.removeAll(old);
      if (current.size() == old.size()) {
        return current;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the listening connections did not come back within " + PATIENCE);
  }

  private static Set<Integer> listeners(TestDatabase database) throws Exception {
    try (Connection connection = database.connect();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT pid FROM pg_stat_activity"
                    + " WHERE datname = ? AND application_name = 'genie-listen'")) {
      select.setString(1, database.name());
      Set<Integer> pids = new HashSet<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          pids.add(rows.getInt(1));
        }
      }
      return pids;
    }
  }
}
