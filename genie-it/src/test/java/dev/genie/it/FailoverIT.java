package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.http.GenieServer;
import dev.genie.it.support.Acknowledged;
import dev.genie.it.support.Artifacts;
import dev.genie.it.support.Exchange;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.History;
import dev.genie.it.support.InvariantChecker;
import dev.genie.it.support.Load;
import dev.genie.it.support.PatroniCluster;
import dev.genie.it.support.PatroniCluster.Node;
import dev.genie.it.support.StoredRows;
import dev.genie.it.support.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two instances under load on a Patroni cluster that the suite sets up itself (one etcd, two
 * PostgreSQL 15 nodes, synchronous mode), reached through the multi-host DATABASE_URL: a planned
 * switchover, then a crash of the primary (kill -9 of its postmaster and its Patroni). After each,
 * every acknowledged prompt is on the new primary with its result, the history breaks no invariant,
 * clients saw only 2xx (switchover) or 2xx and 503 (crash), and Genie served again by itself; the
 * figures are printed. The crash leaves one node, so it runs second.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FailoverIT {
  /** Longer than a crash takes to be noticed and repaired: Patroni's ttl plus a promotion. */
  static final Duration FAILOVER_WAIT = Duration.ofSeconds(PatroniCluster.TTL_SECONDS + 7);

  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final Duration GENERATION = Duration.ofMillis(200);
  private static final int CLIENTS = 12;

  private static PatroniCluster cluster;

  @RegisterExtension final Artifacts artifacts = new Artifacts();
  @RegisterExtension final GenieInstances genies = new GenieInstances();
  private final History history = new History();

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = PatroniCluster.start();
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void aPlannedSwitchoverShowsClientsLatencyNotErrors() throws Exception {
    Figures figures =
        underLoad(
            "genie_switchover",
            primary -> {
              String output = cluster.switchover(primary);
              artifacts.summary("patronictl", () -> output.strip());
            });
    assertThat(figures.statuses().keySet())
        .as("statuses of the whole run")
        .isSubsetOf(200, 201, 202);
  }

  @Test
  @Order(2)
  void aCrashOfThePrimaryCosts503sAtMostAndLosesNothing() throws Exception {
    Figures figures = underLoad("genie_crash", primary -> cluster.crash(primary));
    assertThat(figures.statuses().keySet())
        .as("statuses of the whole run")
        .isSubsetOf(200, 201, 202, 503);
  }

  /** What a fault does to the primary it is given. */
  @FunctionalInterface
  interface Fault {
    void strike(Node primary) throws Exception;
  }

  /**
   * @param statuses every response's status, counted
   */
  record Figures(Map<Integer, Integer> statuses) {}

  private Figures underLoad(String name, Fault fault) throws Exception {
    artifacts.record(history);
    TestDatabase database = cluster.createDatabase(name);
    artifacts.summary("cluster before", () -> cluster.list().strip());
    Map<String, String> env =
        Map.of(
            "DATABASE_URL",
            cluster.databaseUrl(name),
            "GENIE_LEASE_MS",
            "3000",
            "GENIE_DB_FAILOVER_WAIT_MS",
            Long.toString(FAILOVER_WAIT.toMillis()));
    List<CountingGenerator> generators = new ArrayList<>();
    List<GenieClient> clients = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      CountingGenerator generator = CountingGenerator.sample(GENERATION);
      GenieServer genie = genies.sql(database, generator, env);
      generators.add(generator);
      clients.add(new GenieClient(genie.uri(), PATIENCE));
    }
    Node primary = cluster.awaitLeader(PATIENCE);
    Node standby = cluster.other(primary);

    long faultAt;
    long promotedAt;
    long recoveryMillis;
    // Half the clients send prompts of their own; the other half share a prompt that changes every
    // quarter second, so that same-prompt bursts meet the fault too.
    try (Load load =
        Load.start(
            history,
            c -> clients.get(c % 2),
            CLIENTS,
            (c, n) ->
                c % 2 == 0
                    ? name + " own prompt " + c + "-" + n
                    : name + " shared prompt " + history.nanosSinceStart() / 250_000_000)) {
      load.awaitSuccesses(100, PATIENCE);
      // A standby that rejoined after the last fault is not synchronous at once.
      cluster.awaitSynchronousStandby(PATIENCE);
      CompletableFuture<Long> promotion =
          CompletableFuture.supplyAsync(
              () -> {
                cluster.awaitPrimary(standby, PATIENCE);
                return history.nanosSinceStart();
              });
      faultAt = history.nanosSinceStart();
      fault.strike(primary);
      promotedAt = promotion.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      recoveryMillis = load.awaitRecovery(50, promotedAt, PATIENCE);
      Thread.sleep(2000);
      load.stop(PATIENCE);
    }
    artifacts.summary("cluster after", () -> cluster.list().strip());
    List<String> notifications = new ArrayList<>();
    for (GenieClient client : clients) {
      notifications.add(GenieInstances.awaitNotifications(client, "listening"));
    }
    for (Path log : cluster.logs()) {
      artifacts.file(log);
    }

    List<Exchange> all = history.exchanges();
    Gap gap = Gap.around(all, faultAt);
    Map<Integer, Integer> during =
        statuses(
            all.stream()
                .filter(e -> e.completeNanos() >= faultAt && e.invokeNanos() <= gap.endNanos())
                .toList());
    List<String> retried;
    StoredRows rows;
    try (Connection connection = cluster.connect(name)) {
      retried = retryPending(connection, clients.get(0));
      rows = StoredRows.read(connection);
    }
    Acknowledged acknowledged = Acknowledged.in(history, rows);
    Set<String> completed = Acknowledged.completed(rows);
    Map<String, Set<String>> sent = new HashMap<>();
    all.forEach(e -> sent.put(e.rawPrompt(), Set.of(e.rawPrompt())));
    InvariantChecker checker = new InvariantChecker(history, sent).allowStatuses(202, 503);
    List<String> violations;
    try (Connection connection = cluster.connect(name)) {
      artifacts.writer(
          "rows.json",
          file -> {
            try (Connection dump = cluster.connect(name)) {
              checker.dumpRows(dump, file);
            }
          });
      violations = checker.sqlViolations(connection);
    }
    double slowest =
        all.stream()
            .filter(e -> e.completeNanos() >= faultAt)
            .mapToDouble(Exchange::latencyMs)
            .max()
            .orElse(0);
    String summary =
        "Patroni's new primary "
            + standby.name()
            + " answered "
            + millis(promotedAt - faultAt)
            + " ms after the fault; Genie served again "
            + millis(gap.endNanos() - faultAt)
            + " ms after the fault ("
            + millis(gap.endNanos() - promotedAt)
            + " ms after the promotion; no 2xx for "
            + millis(gap.lengthNanos())
            + " ms); 50 successes in a row began "
            + recoveryMillis
            + " ms after the promotion; statuses during the failover "
            + during
            + ", in all "
            + statuses(all)
            + "; slowest response after the fault "
            + Math.round(slowest)
            + " ms; "
            + acknowledged
            + " on the new primary; pending results retried afterwards "
            + retried.size()
            + " "
            + retried
            + "; generations "
            + generators.stream().mapToInt(CountingGenerator::calls).sum();
    artifacts.summary("figures", () -> summary);

    assertThat(acknowledged.missing())
        .as("acknowledged prompts missing on the new primary")
        .isEmpty();
    assertThat(all.stream().filter(Exchange::isCompleted).map(Exchange::promptId))
        .as("prompts answered completed are completed on the new primary")
        .allSatisfy(id -> assertThat(completed).contains(id));
    assertThat(violations).as("invariant violations").isEmpty();
    assertThat(notifications)
        .as("each instance's LISTEN connection, on the new primary")
        .containsOnly("listening");
    assertThat(all)
        .filteredOn(e -> e.httpStatus() == 503)
        .allSatisfy(e -> assertThat(e.errorCode()).isEqualTo("STORAGE_UNAVAILABLE"));
    return new Figures(statuses(all));
  }

  /**
   * Posts again the prompt of every result left pending, as a client that retries would, and
   * returns how long each took: a completion that failed in the fault must not hold its prompt for
   * longer than a lease.
   */
  private static List<String> retryPending(Connection connection, GenieClient client)
      throws Exception {
    List<String> texts = new ArrayList<>();
    try (var statement = connection.createStatement();
        var row =
            statement.executeQuery(
                "select p.normalized_text from genie_prompts p join genie_results r"
                    + " on r.prompt_id = p.id where r.status = 'pending'")) {
      while (row.next()) {
        texts.add(row.getString(1));
      }
    }
    List<String> took = new ArrayList<>();
    for (String text : texts) {
      long start = System.nanoTime();
      GenieResponse response = client.post(text);
      took.add(response.status() + " in " + millis(System.nanoTime() - start) + " ms");
      assertThat(response.status()).as("a retry of pending " + text).isIn(200, 201);
      assertThat(response.text("status")).as("a retry of pending " + text).isEqualTo("completed");
    }
    return took;
  }

  /**
   * The longest stretch after the fault in which no request got a 2xx.
   *
   * @param startNanos when the last 2xx before it arrived
   * @param endNanos when the first 2xx after it arrived: Genie served again
   */
  record Gap(long startNanos, long endNanos) {
    static Gap around(List<Exchange> exchanges, long faultAt) {
      List<Long> successes =
          exchanges.stream()
              .filter(Exchange::isSuccess)
              .map(Exchange::completeNanos)
              .sorted(Comparator.naturalOrder())
              .toList();
      Gap longest = new Gap(faultAt, faultAt);
      long previous = Long.MIN_VALUE;
      for (long at : successes) {
        if (previous != Long.MIN_VALUE && at > faultAt) {
          Gap gap = new Gap(Math.max(previous, faultAt), at);
          if (gap.lengthNanos() > longest.lengthNanos()) {
            longest = gap;
          }
        }
        previous = at;
      }
      return longest;
    }

    long lengthNanos() {
      return endNanos - startNanos;
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
