package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.core.generate.Generation;
import dev.genie.core.generate.GenerationProfile;
import dev.genie.core.generate.Generator;
import dev.genie.http.GenieServer;
import dev.genie.it.support.Acknowledged;
import dev.genie.it.support.Artifacts;
import dev.genie.it.support.Exchange;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.History;
import dev.genie.it.support.InvariantChecker;
import dev.genie.it.support.Load;
import dev.genie.it.support.PatroniCluster;
import dev.genie.it.support.PatroniCluster.Node;
import dev.genie.it.support.StoredRows;
import dev.genie.it.support.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 * switchover, then a crash of the primary (kill -9 of its postmaster and its Patroni) with a short
 * lease, then, once the crashed node has rejoined, a crash with the default lease. After each
 * fault: every acknowledged prompt is on the new primary with its result and the history breaks no
 * invariant; clients saw only 2xx (switchover) or 2xx and 503 (crash), every 503 during the outage;
 * every request was answered within its wait and the stop grace; no result is left pending without
 * a generation running for it; and a retry of every prompt the fault touched is answered within 5
 * s. The figures are printed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 600, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FailoverIT {
  /** Longer than a crash takes to be noticed and repaired: Patroni's ttl plus a promotion. */
  static final Duration FAILOVER_WAIT = Duration.ofSeconds(PatroniCluster.TTL_SECONDS + 7);

  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final Duration GENERATION = Duration.ofMillis(50);
  private static final int CLIENTS = 12;
  private static final Duration SHORT_LEASE = Duration.ofSeconds(3);

  /** The defaults, set here so that the bound below stays what the test means. */
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static final Duration GRACE = Duration.ofSeconds(10);

  /** Every request is answered within its wait and the stop grace, whatever the database does. */
  private static final Duration ANSWER_WITHIN = WAIT.plus(GRACE);

  /** How soon a client's retry of a prompt that the fault touched is answered. */
  private static final Duration RETRY_WITHIN = Duration.ofSeconds(5);

  /** How long a generation may take to store its result once the load has stopped. */
  private static final Duration SETTLE = Duration.ofSeconds(2);

  private static PatroniCluster cluster;
  private static Node crashed;

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
            Map.of(),
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
    Figures figures =
        underLoad(
            "genie_crash",
            Map.of("GENIE_LEASE_MS", Long.toString(SHORT_LEASE.toMillis())),
            FailoverIT::crash);
    assertThat(figures.statuses().keySet())
        .as("statuses of the whole run")
        .isSubsetOf(200, 201, 202, 503);
  }

  /**
   * The default lease outlasts every wait: a result left pending under a lease that no generation
   * holds would keep each caller waiting until its 202.
   */
  @Test
  @Order(3)
  void aCrashWithTheDefaultLeaseLeavesNoPromptWaitingForALease() throws Exception {
    if (crashed != null) {
      cluster.restart(crashed); // it rejoins as the standby; the load waits until it is in sync
    }
    Figures figures = underLoad("genie_crash_default_lease", Map.of(), FailoverIT::crash);
    assertThat(figures.statuses().keySet())
        .as("statuses of the whole run")
        .isSubsetOf(200, 201, 202, 503);
  }

  private static void crash(Node primary) throws Exception {
    cluster.crash(primary);
    crashed = primary;
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

  private Figures underLoad(String name, Map<String, String> settings, Fault fault)
      throws Exception {
    artifacts.record(history);
    TestDatabase database = cluster.createDatabase(name);
    artifacts.summary("cluster before", () -> cluster.list().strip());
    Map<String, String> env = new HashMap<>(settings);
    env.put("DATABASE_URL", cluster.databaseUrl(name));
    env.put("GENIE_DB_FAILOVER_WAIT_MS", Long.toString(FAILOVER_WAIT.toMillis()));
    env.put("GENIE_WAIT_TIMEOUT_MS", Long.toString(WAIT.toMillis()));
    env.put("GENIE_SHUTDOWN_GRACE_MS", Long.toString(GRACE.toMillis()));
    List<Running> generators = new ArrayList<>();
    List<GenieClient> clients = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Running generator = new Running(CountingGenerator.sample(GENERATION));
      GenieServer genie = genies.sql(database, generator, env);
      generators.add(generator);
      clients.add(new GenieClient(genie.uri(), ANSWER_WITHIN));
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
    Map<String, String> leftPending;
    Map<String, String> withoutRun;
    StoredRows rows;
    try (Connection connection = cluster.connect(name)) {
      leftPending = pending(connection);
      withoutRun = pendingWithoutARun(connection, generators);
      rows = StoredRows.read(connection); // what the load left, before any retry adds to it
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
    List<Exchange> unanswered =
        all.stream().filter(e -> e.outcome() != Exchange.Outcome.OK).toList();
    List<Exchange> refused = all.stream().filter(e -> e.httpStatus() == 503).toList();
    // The outage ends where the 50 successes in a row begin; each instance finds the new primary
    // on its own, so one may still refuse after the other served again.
    long recoveredAt = promotedAt + recoveryMillis * 1_000_000;
    List<Exchange> refusedOutsideTheOutage =
        refused.stream()
            .filter(e -> e.completeNanos() < faultAt || e.invokeNanos() > recoveredAt)
            .toList();
    Set<String> touched = touched(all, faultAt, leftPending.values());
    History retries = new History();
    retry(touched, clients, retries);
    double slowestRetry =
        retries.exchanges().stream().mapToDouble(Exchange::latencyMs).max().orElse(0);
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
            + " ms; unanswered "
            + unanswered.size()
            + "; "
            + acknowledged
            + " on the new primary; left pending "
            + leftPending.size()
            + ", without a generation "
            + withoutRun.size()
            + "; prompts touched by the fault "
            + touched.size()
            + ", retried "
            + statuses(retries.exchanges())
            + ", slowest retry "
            + Math.round(slowestRetry)
            + " ms; generations "
            + generators.stream().mapToInt(g -> g.counted.calls()).sum();
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
    assertThat(unanswered)
        .as("requests not answered within " + ANSWER_WITHIN.toSeconds() + " s")
        .isEmpty();
    assertThat(refused)
        .as("503s")
        .allSatisfy(e -> assertThat(e.errorCode()).isEqualTo("STORAGE_UNAVAILABLE"));
    assertThat(refusedOutsideTheOutage).as("503s outside the outage").isEmpty();
    assertThat(withoutRun)
        .as("results left pending with no generation running for them (result: prompt)")
        .isEmpty();
    assertThat(retries.exchanges())
        .as("retries of the prompts touched by the fault")
        .hasSize(touched.size())
        .allSatisfy(
            e -> {
              assertThat(e.outcome()).as(e.rawPrompt()).isEqualTo(Exchange.Outcome.OK);
              assertThat(e.httpStatus()).as(e.rawPrompt()).isIn(200, 201);
              assertThat(e.resultStatus()).as(e.rawPrompt()).isEqualTo("completed");
            });
    return new Figures(statuses(all));
  }

  /** Pending results, result id to normalized text. */
  private static Map<String, String> pending(Connection connection) throws Exception {
    Map<String, String> pending = new TreeMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery(
                "SELECT r.id, p.normalized_text FROM genie_results r"
                    + " JOIN genie_prompts p ON p.id = r.prompt_id WHERE r.status = 'pending'")) {
      while (row.next()) {
        pending.put(row.getString(1), row.getString(2));
      }
    }
    return pending;
  }

  /**
   * The pending results for which no instance runs a generation, once those that ran when the load
   * stopped had {@link #SETTLE} to store their result: result id to text, with its lease.
   */
  private static Map<String, String> pendingWithoutARun(
      Connection connection, List<Running> generators) throws Exception {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    while (true) {
      Map<String, String> withoutRun = new TreeMap<>(pending(connection));
      withoutRun.values().removeIf(text -> generators.stream().anyMatch(g -> g.runs(text)));
      if (withoutRun.isEmpty() || System.nanoTime() > deadline) {
        for (Map.Entry<String, String> entry : withoutRun.entrySet()) {
          entry.setValue(entry.getValue() + " " + lease(connection, entry.getKey()));
        }
        return withoutRun;
      }
      Thread.sleep(50);
    }
  }

  private static String lease(Connection connection, String resultId) throws Exception {
    try (Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery(
                "SELECT lease_owner, round(extract(epoch FROM lease_expires_at - now())::numeric,"
                    + " 1) FROM genie_results WHERE id = '"
                    + resultId
                    + "'")) {
      return row.next()
          ? "(lease " + row.getString(1) + ", " + row.getString(2) + " s left)"
          : "(gone)";
    }
  }

  /**
   * The texts whose requests the fault touched: answered 503 or 202 after it, or not answered at
   * all, and those left pending.
   */
  private static Set<String> touched(
      List<Exchange> exchanges, long faultAt, Collection<String> pending) {
    Set<String> texts = new LinkedHashSet<>();
    for (Exchange e : exchanges) {
      boolean afterFault = e.completeNanos() >= faultAt;
      if (afterFault
          && (e.outcome() != Exchange.Outcome.OK
              || e.httpStatus() == 503
              || e.httpStatus() == 202)) {
        texts.add(e.rawPrompt());
      }
    }
    texts.addAll(pending);
    return texts;
  }

  /** Posts each text again, as a client that retries would, alternating between instances. */
  private static void retry(Set<String> texts, List<GenieClient> clients, History retries) {
    List<GenieClient> impatient =
        clients.stream().map(c -> new GenieClient(c.baseUri(), RETRY_WITHIN)).toList();
    int i = 0;
    for (String text : texts) {
      retries.send(i, impatient.get(i % impatient.size()), text);
      i++;
    }
  }

  /**
   * The test's generator, which also knows which texts it is generating now: a pending result has a
   * live generation behind it when one of them is its text.
   */
  private static final class Running implements Generator {
    private final CountingGenerator counted;
    private final Set<String> generating = ConcurrentHashMap.newKeySet();

    Running(CountingGenerator counted) {
      this.counted = counted;
    }

    boolean runs(String normalizedText) {
      return generating.contains(normalizedText);
    }

    @Override
    public String name() {
      return counted.name();
    }

    @Override
    public GenerationProfile profile() {
      return counted.profile();
    }

    @Override
    public boolean blocks() {
      return counted.blocks();
    }

    @Override
    public Generation generate(String normalizedPrompt) throws Exception {
      generating.add(normalizedPrompt);
      try {
        return counted.generate(normalizedPrompt);
      } finally {
        generating.remove(normalizedPrompt);
      }
    }
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
