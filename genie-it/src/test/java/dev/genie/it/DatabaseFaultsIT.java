package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.http.GenieServer;
import dev.genie.it.support.Acknowledged;
import dev.genie.it.support.Burst;
import dev.genie.it.support.Exchange;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.History;
import dev.genie.it.support.Load;
import dev.genie.it.support.ServerLog;
import dev.genie.it.support.StoredRows;
import dev.genie.it.support.TestDatabase;
import dev.genie.persistence.sql.SqlPromptStore;
import dev.genie.persistence.sql.internal.StorePool;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Database faults on the SQL store: an exhausted pool, statement and lock timeouts, and backends
 * killed under load. Clients get 503 STORAGE_UNAVAILABLE with Retry-After, quickly and never a 500,
 * the pool recovers by itself, and every acknowledged prompt is in the database.
 */
// A separate thread: a session stuck on a lock cannot be interrupted, only abandoned.
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DatabaseFaultsIT extends InstancesOnPostgres {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final long CONNECTION_TIMEOUT_MS = 500;
  private static final long LOCK_TIMEOUT_MS = 2000;

  /**
   * The documented bound on a 503 for a locked table: the wait for a connection, then the wait for
   * the lock, plus a second for everything else on a busy machine.
   */
  private static final long QUICKLY_MS = CONNECTION_TIMEOUT_MS + LOCK_TIMEOUT_MS + 1000;

  @Test
  void genieSessionsCarryTheirStatementAndLockTimeouts() throws Exception {
    GenieServer genie =
        genies.sql(
            fresh(),
            CountingGenerator.sample(Duration.ZERO),
            Map.of("GENIE_DB_STATEMENT_TIMEOUT_MS", "4321", "GENIE_DB_LOCK_TIMEOUT_MS", "1234"));
    SqlPromptStore store = (SqlPromptStore) genie.orchestrator().store();

    String statementTimeout;
    String lockTimeout;
    try (Connection pooled = StorePool.of(store).getConnection();
        Statement statement = pooled.createStatement()) {
      statementTimeout = show(statement, "statement_timeout");
      lockTimeout = show(statement, "lock_timeout");
    }

    artifacts.summary(
        "figures",
        () -> "SHOW statement_timeout=" + statementTimeout + ", lock_timeout=" + lockTimeout);
    assertThat(statementTimeout).isEqualTo("4321ms");
    assertThat(lockTimeout).isEqualTo("1234ms");
  }

  @Test
  void aLockedTableExhaustsATinyPoolAndEveryRequestGets503Quickly() throws Exception {
    TestDatabase database = fresh();
    GenieServer genie =
        genies.sql(
            database,
            CountingGenerator.sample(Duration.ZERO),
            Map.of(
                "GENIE_DB_POOL_SIZE", "2",
                "GENIE_DB_CONNECTION_TIMEOUT_MS", Long.toString(CONNECTION_TIMEOUT_MS),
                "GENIE_DB_LOCK_TIMEOUT_MS", Long.toString(LOCK_TIMEOUT_MS)));
    GenieClient client = new GenieClient(genie.uri(), PATIENCE);
    int n = 12;

    GenieResponse oneMore;
    try (Connection locker = database.connect()) {
      lock(locker);
      new Burst(n, PATIENCE).post(history, client, i -> "locked out " + i);
      oneMore = client.post("locked out, one more");
      locker.rollback();
    }
    List<Exchange> whileLocked = history.exchanges();
    Map<String, Integer> causes = ServerLog.causes(history, DatabaseFaultsIT::cause);
    History after = new History();
    new Burst(n, PATIENCE).post(after, client, i -> "locked out " + i);
    StoredRows rows = rows(database);

    artifacts.summary(
        "figures",
        () ->
            "while locked: "
                + statuses(whileLocked)
                + " by cause "
                + causes
                + ", slowest "
                + slowest(whileLocked)
                + " ms; after the lock: "
                + statuses(after.exchanges())
                + "; "
                + rows.counts());
    assertThat(whileLocked)
        .hasSize(n)
        .allSatisfy(
            e -> {
              assertThat(e.httpStatus()).as(e.toString()).isEqualTo(503);
              assertThat(e.errorCode()).isEqualTo("STORAGE_UNAVAILABLE");
            });
    // Quickly: within the wait for a connection and then for the lock, never the client's patience.
    assertThat(whileLocked)
        .allSatisfy(e -> assertThat(e.latencyMs()).as(e.toString()).isLessThan(QUICKLY_MS));
    assertThat(causes).containsOnlyKeys("pool timeout", "lock timeout");
    assertThat(oneMore.status()).isEqualTo(503);
    assertThat(oneMore.header("Retry-After"))
        .as("STORAGE_UNAVAILABLE's Retry-After")
        .isEqualTo("1");
    assertThat(statuses(after.exchanges())).isEqualTo(Map.of(201, n));
    assertThat(rows.prompts()).hasSize(n);
  }

  @Test
  void aStatementTimeoutIs503() throws Exception {
    TestDatabase database = fresh();
    GenieServer genie =
        genies.sql(
            database,
            CountingGenerator.sample(Duration.ZERO),
            Map.of("GENIE_DB_STATEMENT_TIMEOUT_MS", "1000", "GENIE_DB_LOCK_TIMEOUT_MS", "20000"));
    GenieClient client = new GenieClient(genie.uri(), PATIENCE);

    try (Connection locker = database.connect()) {
      lock(locker);
      history.send(0, client, "timed out");
      locker.rollback();
    }
    Exchange timedOut = history.exchanges().get(0);
    Map<String, Integer> causes = ServerLog.causes(history, DatabaseFaultsIT::cause);
    StoredRows rows = rows(database);

    artifacts.summary(
        "figures",
        () ->
            "a claim held by a lock: "
                + timedOut.httpStatus()
                + " "
                + timedOut.errorCode()
                + " after "
                + Math.round(timedOut.latencyMs())
                + " ms, cause "
                + causes
                + "; "
                + rows.counts());
    assertThat(timedOut.httpStatus()).isEqualTo(503);
    assertThat(timedOut.errorCode()).isEqualTo("STORAGE_UNAVAILABLE");
    assertThat(causes).isEqualTo(Map.of("statement timeout", 1));
    assertThat(rows.prompts()).isEmpty();
  }

  @Test
  void backendsKilledUnderLoadCost503sOnlyAndThePoolRecovers() throws Exception {
    TestDatabase database = fresh();
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
    AtomicInteger killed = new AtomicInteger();

    long recoveryMillis;
    try (Load load = Load.start(history, client, 4, "under fire");
        Connection admin = database.connect()) {
      load.awaitSuccesses(20, PATIENCE);
      long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      while (System.nanoTime() < until) {
        killed.addAndGet(terminateGenieBackends(admin, database.name()));
        Thread.sleep(100);
      }
      long stoppedKilling = history.nanosSinceStart();
      recoveryMillis = load.awaitRecovery(20, stoppedKilling, PATIENCE);
      load.stop(PATIENCE);
    }
    List<Exchange> all = history.exchanges();
    Map<String, Integer> causes = ServerLog.causes(history, DatabaseFaultsIT::cause);
    Acknowledged acknowledged = Acknowledged.in(history, rows(database));

    artifacts.summary(
        "figures",
        () ->
            "killed "
                + killed.get()
                + " backends in 3 s; "
                + all.size()
                + " requests: "
                + statuses(all)
                + " by cause "
                + causes
                + "; 20 successes in a row "
                + recoveryMillis
                + " ms after the last kill; "
                + acknowledged);
    assertThat(killed.get()).as("backends terminated").isPositive();
    assertThat(all)
        .allSatisfy(
            e ->
                assertThat(e.isSuccess() || e.httpStatus() == 503)
                    .as("only 2xx or 503: " + e)
                    .isTrue());
    assertThat(statuses(all)).containsKey(503);
    assertThat(acknowledged.missing()).isEmpty();
  }

  private static int terminateGenieBackends(Connection admin, String database) throws Exception {
    try (PreparedStatement kill =
        admin.prepareStatement(
            "select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity"
                + " where datname = ? and application_name in ('genie', 'genie-listen')"
                + " and pid <> pg_backend_pid()")) {
      kill.setString(1, database);
      try (ResultSet row = kill.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    }
  }

  /** Takes the prompts table in a transaction that stays open until the caller rolls it back. */
  private static void lock(Connection locker) throws Exception {
    locker.setAutoCommit(false);
    try (Statement statement = locker.createStatement()) {
      statement.execute("LOCK TABLE genie_prompts IN ACCESS EXCLUSIVE MODE");
    }
  }

  private static String cause(String logLine) {
    if (logLine.contains("connections stayed busy") || logLine.contains("connection stayed busy")) {
      return "pool timeout";
    }
    if (logLine.contains("lock timeout")) {
      return "lock timeout";
    }
    if (logLine.contains("statement timeout")) {
      return "statement timeout";
    }
    if (logLine.contains("terminating connection")) {
      return "backend terminated";
    }
    if (logLine.contains("I/O error") || logLine.contains("connection has been closed")) {
      return "connection lost";
    }
    return logLine.isEmpty() ? "not logged" : "other: " + logLine;
  }

  private static String show(Statement statement, String setting) throws Exception {
    try (ResultSet row = statement.executeQuery("SHOW " + setting)) {
      row.next();
      return row.getString(1);
    }
  }

  private static TestDatabase fresh() {
    return POSTGRES.server().freshDatabase();
  }

  private static StoredRows rows(TestDatabase database) throws Exception {
    try (Connection connection = database.connect()) {
      return StoredRows.read(connection);
    }
  }

  private static Map<Integer, Integer> statuses(List<Exchange> exchanges) {
    return exchanges.stream()
        .collect(Collectors.toMap(Exchange::httpStatus, e -> 1, Integer::sum, TreeMap::new));
  }

  private static long slowest(List<Exchange> exchanges) {
    return Math.round(exchanges.stream().mapToDouble(Exchange::latencyMs).max().orElse(0));
  }
}
