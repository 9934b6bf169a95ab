package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.it.support.EmbeddedCluster;
import dev.genie.it.support.OwnCluster;
import dev.genie.it.support.TestDatabase;
import dev.genie.persistence.Claim;
import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.StoredPrompt;
import dev.genie.persistence.sql.DatabaseUrl;
import dev.genie.persistence.sql.SqlPromptStore;
import dev.genie.persistence.sql.SqlStoreSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An answer read from the database is answered only once the synchronous standby has it. When a
 * primary dies, PostgreSQL ends a completion's wait for the standby and makes the completion
 * visible on the primary for a moment; a waiter on another instance that read it then answered a
 * result the promoted standby never had. Here the completion's wait is ended by a cancel instead,
 * which leaves it in the same state: visible, not on the standby.
 *
 * <p>It owns its server ({@link EmbeddedCluster}): it makes a synchronous standby required, which
 * would hold up every other user of a shared server.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StandbyConfirmationIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final String ENVELOPE = "{\"version\":1,\"pages\":[]}";
  private static final NewPrompt PROMPT =
      new NewPrompt(
          "5bd1c4a3f0e2d6b7a8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5",
          "a prompt",
          "a prompt",
          1);

  @RegisterExtension static final OwnCluster CLUSTER = new OwnCluster("standby");

  private final ExecutorService callers = Executors.newCachedThreadPool();
  private final List<SqlPromptStore> stores = new ArrayList<>();

  @AfterEach
  void closeStores() throws SQLException {
    requireNoStandby();
    callers.shutdownNow();
    stores.forEach(SqlPromptStore::close);
  }

  @Test
  void aCompletionTheStandbyHasNotConfirmedIsAnsweredByNoRead() throws Exception {
    TestDatabase database = CLUSTER.server().freshDatabase();
    SqlPromptStore generating = open(database);
    SqlPromptStore waiting = open(database); // another instance: nothing of the prompt in memory
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    LeaseTerms terms = new LeaseTerms("owner", now, Duration.ofMinutes(1), 3);
    Claim claim = generating.claim(PROMPT, terms);

    requireStandby();
    Future<?> completing =
        callers.submit(() -> generating.complete(claim.lease().orElseThrow(), ENVELOPE, now));
    List<Integer> completer = awaitStandbyWaits(database, 1);
    cancel(completer.get(0));
    completing.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(statusOf(database)).isEqualTo("completed"); // visible, and not on any standby

    Future<Optional<StoredPrompt>> found = callers.submit(() -> waiting.findByKey(PROMPT.key()));
    Future<Claim> claimed = callers.submit(() -> waiting.claim(PROMPT, terms));
    awaitStandbyWaits(database, 2);
    assertThat(found).isNotDone();
    assertThat(claimed).isNotDone();

    requireNoStandby(); // as if the standby confirmed: every wait for it ends
    StoredPrompt read = found.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).orElseThrow();
    assertThat(read.result().status()).isEqualTo(ResultStatus.COMPLETED);
    assertThat(read.result().envelope()).isEqualTo(ENVELOPE);
    Claim existing = claimed.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(existing.lease()).isEmpty();
    assertThat(existing.state().result().status()).isEqualTo(ResultStatus.COMPLETED);
  }

  @Test
  void withoutASynchronousStandbyAReadWaitsForNothing() throws Exception {
    TestDatabase database = CLUSTER.server().freshDatabase();
    SqlPromptStore store = open(database);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    LeaseTerms terms = new LeaseTerms("owner", now, Duration.ofMinutes(1), 3);
    Claim claim = store.claim(PROMPT, terms);
    store.complete(claim.lease().orElseThrow(), ENVELOPE, now);
    SqlPromptStore reading = open(database);

    long before = lastTransactionId(database);
    assertThat(reading.findByKey(PROMPT.key()).orElseThrow().result().envelope())
        .isEqualTo(ENVELOPE);

    // Only this check's own statement took a transaction id: the read wrote nothing, so its commit
    // had nothing to wait for.
    assertThat(lastTransactionId(database)).isEqualTo(before + 1);
  }

  private SqlPromptStore open(TestDatabase database) {
    SqlPromptStore store =
        SqlPromptStore.open(
            SqlStoreSettings.builder(DatabaseUrl.parse(database.databaseUrl()))
                .poolSize(4)
                .completedCacheMegabytes(16)
                .build());
    stores.add(store);
    return store;
  }

  /**
   * Makes every commit of the server wait for a standby that never connects, once the server has
   * taken the setting in: its checkpointer does so after the reload, at a moment of its own, which
   * a probe's commit shows.
   */
  private void requireStandby() throws Exception {
    setStandbyNames("a_standby_that_never_connects");
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (System.nanoTime() < deadline) {
      try (Connection probe = admin()) {
        int pid = pidOf(probe);
        Future<Void> commit = callers.submit(() -> commitAWrite(probe));
        while (!commit.isDone()) {
          if (waitsForStandby(pid)) {
            cancel(pid);
            commit.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            return;
          }
          Thread.sleep(5);
        }
        commit.get(); // committed without waiting: not taken in yet
      }
    }
    throw new AssertionError("the server did not require a synchronous standby within " + PATIENCE);
  }

  /** Requires no standby again; returns once a commit no longer waits for one. */
  private static void requireNoStandby() throws SQLException {
    setStandbyNames("");
    try (Connection probe = admin()) {
      commitAWrite(probe);
    }
  }

  private static void setStandbyNames(String names) throws SQLException {
    try (Connection connection = admin();
        Statement statement = connection.createStatement()) {
      statement.execute("ALTER SYSTEM SET synchronous_standby_names = '" + names + "'");
      statement.execute("SELECT pg_reload_conf()");
    }
  }

  private static Void commitAWrite(Connection connection) throws SQLException {
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_logical_emit_message(true, 'probe', '')");
    }
    connection.commit();
    return null;
  }

  private static Connection admin() throws SQLException {
    DatabaseUrl admin = CLUSTER.cluster().adminUrl();
    return DriverManager.getConnection(admin.jdbcUrl(), admin.user(), "");
  }

  private static int pidOf(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT pg_backend_pid()")) {
      row.next();
      return row.getInt(1);
    }
  }

  private static boolean waitsForStandby(int pid) throws SQLException {
    try (Connection connection = admin();
        PreparedStatement waits =
            connection.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ? AND wait_event = 'SyncRep'")) {
      waits.setInt(1, pid);
      try (ResultSet row = waits.executeQuery()) {
        row.next();
        return row.getInt(1) == 1;
      }
    }
  }

  /**
   * The backends of {@code database} waiting for a synchronous standby, once there are {@code n}.
   */
  private static List<Integer> awaitStandbyWaits(TestDatabase database, int n) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    try (Connection connection = admin();
        PreparedStatement waiting =
            connection.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE datname = ? AND wait_event = 'SyncRep'")) {
      waiting.setString(1, database.name());
      while (System.nanoTime() < deadline) {
        List<Integer> pids = new ArrayList<>();
        try (ResultSet rows = waiting.executeQuery()) {
          while (rows.next()) {
            pids.add(rows.getInt(1));
          }
        }
        if (pids.size() >= n) {
          return pids;
        }
        Thread.sleep(5);
      }
    }
    throw new AssertionError(
        n + " sessions of " + database.name() + " did not wait for the standby within " + PATIENCE);
  }

  /** Ends a backend's wait for the standby: its commit stays, visible on this server alone. */
  private static void cancel(int pid) throws SQLException {
    try (Connection connection = admin();
        PreparedStatement cancel = connection.prepareStatement("SELECT pg_cancel_backend(?)")) {
      cancel.setInt(1, pid);
      try (ResultSet row = cancel.executeQuery()) {
        row.next();
        assertThat(row.getBoolean(1))
            .as("the backend waiting for the standby was signalled")
            .isTrue();
      }
    }
  }

  private static String statusOf(TestDatabase database) throws SQLException {
    try (Connection connection = database.connect();
        PreparedStatement status =
            connection.prepareStatement(
                "SELECT r.status FROM genie_results r JOIN genie_prompts p ON p.id = r.prompt_id"
                    + " WHERE p.prompt_key = ?")) {
      status.setString(1, PROMPT.key());
      try (ResultSet row = status.executeQuery()) {
        assertThat(row.next()).isTrue();
        return row.getString(1);
      }
    }
  }

  /** Takes a transaction id: the one after the last that any statement of the server took. */
  private static long lastTransactionId(TestDatabase database) throws SQLException {
    return database.number("SELECT txid_current()");
  }
}
