package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.http.GenieServer;
import dev.genie.it.support.Burst;
import dev.genie.it.support.Exchange;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.InvariantChecker;
import dev.genie.it.support.ItSettings;
import dev.genie.it.support.PgBouncer;
import dev.genie.it.support.PostgresServer;
import dev.genie.it.support.ServerLog;
import dev.genie.it.support.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two instances through PgBouncer in transaction mode, started by this suite from Debian's package:
 * nothing of a session leaks between transactions, nothing is prepared on the server, and the
 * database still keeps every prompt to one result and one generation, whether LISTEN has a direct
 * connection or waiters poll.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PgBouncerIT extends InstancesOnPostgres {
  /** How long the pool may take to serve again once PgBouncer is back. */
  private static final Duration SERVED_AGAIN_WITHIN = Duration.ofSeconds(30);

  private final ItSettings settings = ItSettings.fromSystemProperties();
  private PgBouncer bouncer;

  @BeforeEach
  void start(PostgresServer postgres) throws Exception {
    bouncer = PgBouncer.start(postgres.database());
    artifacts.file(bouncer.log());
  }

  @AfterEach
  void stop() throws Exception {
    bouncer.close();
  }

  @ParameterizedTest(name = "direct LISTEN connection: {0}")
  @ValueSource(booleans = {true, false})
  void burstsOverTwoInstancesThroughThePoolerGenerateOnce(
      boolean directListen, PostgresServer postgres) throws Exception {
    TestDatabase database = postgres.freshDatabase();
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", bouncer.databaseUrl(database));
    if (directListen) {
      env.put("GENIE_DB_LISTEN_URL", database.databaseUrl());
    }
    List<CountingGenerator> generators = new ArrayList<>();
    List<GenieClient> clients = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      CountingGenerator generator = CountingGenerator.sample(ConcurrencyIT.GENERATION);
      GenieServer genie = genies.sql(database, generator, env);
      generators.add(generator);
      clients.add(new GenieClient(genie.uri(), settings.timeout()));
    }
    for (GenieClient client : clients) {
      assertThat(GenieInstances.awaitNotifications(client, directListen ? "listening" : "polling"))
          .as("notifications of " + client)
          .isEqualTo(directListen ? "listening" : "polling");
    }
    int n = Math.max(MultiInstanceIT.MIN_BURST, settings.n());
    List<String> variants = ConcurrencyIT.POEM_VARIANTS;
    new Burst(n, settings.timeout())
        .post(history, i -> clients.get(i % 2), i -> variants.get(i % variants.size()));
    int sameGenerations = generations(generators);

    int copies = 4;
    int distinct = Math.max(1, n / copies);
    IntFunction<String> prompts =
        i -> ConcurrencyIT.variant("pooled prompt " + (i % distinct), i / distinct);
    new Burst(n, settings.timeout()).post(history, i -> clients.get(i % 2), prompts);

    Map<String, Set<String>> sent = new HashMap<>();
    sent.put(ConcurrencyIT.POEM, new LinkedHashSet<>(variants));
    for (int i = 0; i < n; i++) {
      sent.computeIfAbsent("pooled prompt " + (i % distinct), k -> new LinkedHashSet<>())
          .add(prompts.apply(i));
    }
    InvariantChecker checker = new InvariantChecker(history, sent);
    int serverConnections;
    try (Connection connection = database.connect()) {
      String rows = checker.rowCounts(connection).toString();
      artifacts.summary("rows", () -> rows);
      checker.checkSql(connection);
      serverConnections = pooledBackends(connection, database.name());
    }
    int generations = generations(generators);
    String figures =
        "2 instances x "
            + GenieInstances.POOL_SIZE
            + " client connections through PgBouncer ("
            + PgBouncer.POOL_SIZE
            + " server connections at most), N="
            + n
            + " same prompt then "
            + distinct
            + " distinct prompts x "
            + copies
            + ": generations "
            + sameGenerations
            + " then "
            + (generations - sameGenerations)
            + ", server connections used "
            + serverConnections
            + ", statuses "
            + statuses();
    artifacts.summary("figures", () -> figures);
    assertThat(sameGenerations).as("generations of the same prompt").isEqualTo(1);
    assertThat(generations - sameGenerations)
        .as("generations of distinct prompts")
        .isEqualTo(distinct);
    assertThat(statuses()).containsOnlyKeys(200, 201);
    assertThat(serverConnections)
        .as("PostgreSQL backends serving the pooled connections")
        .isBetween(1, PgBouncer.POOL_SIZE);
  }

  @Test
  void timeoutsHoldForEachTransactionAndNothingOutlivesIt(PostgresServer postgres)
      throws Exception {
    TestDatabase database = postgres.freshDatabase();
    GenieServer genie =
        genies.sql(
            database,
            CountingGenerator.sample(Duration.ZERO),
            Map.of(
                "DATABASE_URL",
                bouncer.databaseUrl(database),
                "GENIE_DB_LOCK_TIMEOUT_MS",
                "300",
                "GENIE_DB_STATEMENT_TIMEOUT_MS",
                "60000"));
    GenieClient client = new GenieClient(genie.uri(), settings.timeout());
    assertThat(client.get("/health").json().path("pooler").asText())
        .as("pooler detected")
        .isEqualTo("transaction");

    GenieResponse locked;
    try (Connection locker = database.connect()) {
      locker.setAutoCommit(false);
      try (Statement statement = locker.createStatement()) {
        statement.execute("LOCK TABLE genie_prompts IN ACCESS EXCLUSIVE MODE");
      }
      locked = client.post("a prompt behind a lock");
      locker.rollback();
    }
    GenieResponse unlocked = client.post("a prompt behind a lock");

    String direct;
    List<String> pooled = new ArrayList<>();
    try (Connection connection = database.connect()) {
      direct = timeouts(connection);
    }
    try (Connection connection = throughBouncer(database)) {
      for (int i = 0; i < 2 * PgBouncer.POOL_SIZE; i++) {
        pooled.add(timeouts(connection));
      }
    }
    artifacts.summary(
        "figures",
        () ->
            "behind a lock: "
                + locked.status()
                + ", after it: "
                + unlocked.status()
                + "; timeouts direct "
                + direct
                + ", through PgBouncer "
                + pooled);
    assertThat(locked.status())
        .as("a claim that waited out its SET LOCAL lock_timeout")
        .isEqualTo(503);
    assertThat(unlocked.status()).isEqualTo(201);
    assertThat(pooled).as("session timeouts seen through the pooler").containsOnly(direct);
  }

  @Test
  void onceNoServerHasAnsweredLongerThanAFailoverRequestsAreToldAtOnce(PostgresServer postgres)
      throws Exception {
    TestDatabase database = postgres.freshDatabase();
    GenieServer genie =
        genies.sql(
            database,
            CountingGenerator.sample(Duration.ZERO),
            Map.of(
                "DATABASE_URL",
                bouncer.databaseUrl(database),
                "GENIE_DB_FAILOVER_WAIT_MS",
                "1000",
                "GENIE_DB_CONNECTION_TIMEOUT_MS",
                "2000"));
    GenieClient client = new GenieClient(genie.uri(), settings.timeout());
    history.send(0, client, "before the outage");

    bouncer.close(); // the only way to the database is gone
    Exchange first = history.send(0, client, "the first request of the outage");
    int n = 32;
    new Burst(n, settings.timeout()).post(history, client, i -> "during the outage " + i);
    List<Exchange> burst =
        history.exchanges().stream().filter(e -> e.rawPrompt().startsWith("during")).toList();
    bouncer.restart();
    long back = System.nanoTime();
    Exchange after = history.send(0, client, "after the outage");
    while (!after.isSuccess() && System.nanoTime() - back < SERVED_AGAIN_WITHIN.toNanos()) {
      Thread.sleep(100);
      after = history.send(0, client, "after the outage");
    }
    long servedAgainMillis = (System.nanoTime() - back) / 1_000_000;

    Map<String, Integer> causes =
        ServerLog.causes(
            history,
            line ->
                line.contains("no primary has answered")
                    ? "told at once"
                    : line.isEmpty() ? "not logged" : "after trying");
    double slowest = burst.stream().mapToDouble(Exchange::latencyMs).max().orElse(0);
    double median =
        burst.stream().mapToDouble(Exchange::latencyMs).sorted().skip(n / 2).findFirst().orElse(0);
    String figures =
        "first request of the outage: "
            + first.httpStatus()
            + " after "
            + Math.round(first.latencyMs())
            + " ms; a burst of "
            + n
            + " then: "
            + statuses()
            + " by cause "
            + causes
            + ", median "
            + Math.round(median)
            + " ms, slowest "
            + Math.round(slowest)
            + " ms (connection timeout 2000 ms); served again "
            + servedAgainMillis
            + " ms after PgBouncer was back";
    artifacts.summary("figures", () -> figures);
    assertThat(first.httpStatus()).as("after its failover wait").isEqualTo(503);
    assertThat(burst).allSatisfy(e -> assertThat(e.httpStatus()).isEqualTo(503));
    assertThat(burst).allSatisfy(e -> assertThat(e.errorCode()).isEqualTo("STORAGE_UNAVAILABLE"));
    assertThat(causes.getOrDefault("told at once", 0))
        .as("requests of the burst turned away without waiting, by cause " + causes)
        .isGreaterThanOrEqualTo(n / 2);
    assertThat(after.httpStatus()).as("once PgBouncer is back").isEqualTo(201);
  }

  private static int generations(List<CountingGenerator> generators) {
    return generators.stream().mapToInt(CountingGenerator::calls).sum();
  }

  /** Backends of {@code database} other than the listener's and this one. */
  private static int pooledBackends(Connection connection, String database) throws Exception {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "select count(*) from pg_stat_activity where datname = ?"
                + " and backend_type = 'client backend' and pid <> pg_backend_pid()"
                + " and application_name is distinct from 'genie-listen'")) {
      statement.setString(1, database);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    }
  }

  private Connection throughBouncer(TestDatabase database) throws Exception {
    Properties properties = new Properties();
    properties.setProperty("user", database.user());
    properties.setProperty("password", database.password());
    properties.setProperty("prepareThreshold", "0");
    properties.setProperty("assumeMinServerVersion", "10");
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + bouncer.port() + "/" + database.name(), properties);
  }

  private static String timeouts(Connection connection) throws Exception {
    try (Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery(
                "select current_setting('statement_timeout') || '/'"
                    + " || current_setting('lock_timeout')")) {
      row.next();
      return row.getString(1);
    }
  }

  private Map<Integer, Long> statuses() {
    Map<Integer, Long> statuses = new HashMap<>();
    history.exchanges().forEach(e -> statuses.merge(e.httpStatus(), 1L, Long::sum));
    return statuses;
  }
}
