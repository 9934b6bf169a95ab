package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.core.Normalizer;
import dev.genie.core.generate.SampleGenerator;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.TestDatabase;
import dev.genie.persistence.Claim;
import dev.genie.persistence.Fence;
import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.Result;
import dev.genie.persistence.sql.BatchSizes;
import dev.genie.persistence.sql.DatabaseUrl;
import dev.genie.persistence.sql.SqlPromptStore;
import dev.genie.persistence.sql.SqlStoreSettings;
import dev.genie.persistence.sql.TimeSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Claims and completions that go to PostgreSQL in batches, through the store. A plain JDBC
 * transaction holds a row that the first request needs, so that the others, released together by a
 * barrier, gather behind it and go as one batch when it commits; each caller's answer is recorded
 * and checked against the rows through plain JDBC.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GroupCommitIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final int TEXTS = 8;
  private static final int CALLERS_PER_TEXT = 4;

  private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.MICROS);
  private final Map<String, List<Integer>> sizes = new HashMap<>();
  private final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
  private TestDatabase database;
  private SqlPromptStore store;

  @BeforeEach
  void open() {
    database = POSTGRES.server().freshDatabase();
    store =
        SqlPromptStore.open(
            SqlStoreSettings.builder(DatabaseUrl.parse(database.databaseUrl()))
                .poolSize(2) // one batch in flight at a time: the others gather behind it
                .timeSource(TimeSource.CALLER)
                // The held row keeps the first batch waiting while the others gather, however
                // slowly a busy machine starts their threads.
                .lockTimeout(Duration.ofSeconds(60))
                .statementTimeout(Duration.ofSeconds(60))
                .connectionTimeout(Duration.ofSeconds(60))
                .build());
    store
        .batchSizes()
        .observe(
            (operation, size) -> {
              synchronized (sizes) {
                sizes.computeIfAbsent(operation, o -> new ArrayList<>()).add(size);
              }
            });
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void claimsOfOverlappingKeysInOneBatchCreateEachPromptOnceAndGrantOneLeaseEach()
      throws Exception {
    List<NewPrompt> texts = texts();
    NewPrompt held = texts.get(0);
    List<Claim> claims = Collections.synchronizedList(new ArrayList<>());
    try (Connection blocker = database.connect()) {
      blocker.setAutoCommit(false);
      insertPrompt(blocker, held);
      Thread first = caller("first", () -> claims.add(store.claim(held, terms("first"))));
      database.awaitLockWait(Duration.ofSeconds(10));

      List<Thread> others = new ArrayList<>();
      CyclicBarrier start = new CyclicBarrier(TEXTS * CALLERS_PER_TEXT);
      for (int i = 0; i < TEXTS * CALLERS_PER_TEXT; i++) {
        NewPrompt text = texts.get(i % TEXTS);
        String owner = "owner-" + i;
        others.add(
            caller(
                owner,
                () -> {
                  await(start);
                  claims.add(store.claim(text, terms(owner)));
                }));
      }
      awaitParkedInABatch(others);
      blocker.commit();

      join(first);
      others.forEach(this::join);
    }

    assertThat(sizes.get(BatchSizes.CLAIM)).containsExactly(1, TEXTS * CALLERS_PER_TEXT);
    assertThat(claims).hasSize(TEXTS * CALLERS_PER_TEXT + 1);
    assertThat(database.number("SELECT count(*) FROM genie_prompts")).isEqualTo(TEXTS);
    assertThat(database.number("SELECT count(*) FROM genie_results")).isEqualTo(TEXTS);
    for (NewPrompt text : texts) {
      Map<String, String> row = row(text.key());
      List<Claim> ofText =
          claims.stream().filter(c -> c.state().prompt().key().equals(text.key())).toList();
      assertThat(ofText)
          .allSatisfy(
              c -> {
                assertThat(c.state().prompt().id()).isEqualTo(row.get("prompt_id"));
                assertThat(c.state().result().id()).isEqualTo(row.get("result_id"));
              });
      List<Claim> granted = ofText.stream().filter(c -> c.lease().isPresent()).toList();
      if (text == held) {
        assertThat(granted).as("the blocker created it").isEmpty();
        assertThat(row.get("lease_owner")).isEqualTo("blocker");
      } else {
        assertThat(granted).hasSize(1);
        assertThat(granted.get(0).created()).isTrue();
        assertThat(granted.get(0).state().result().leaseOwner()).isEqualTo(row.get("lease_owner"));
        assertThat(ofText).filteredOn(Claim::created).hasSize(1);
      }
    }
  }

  @Test
  void aBatchOfCompletionsRefusesOnlyTheStaleTokens() throws Exception {
    List<NewPrompt> texts = texts();
    List<Fence> first = new ArrayList<>();
    for (NewPrompt text : texts) {
      first.add(store.claim(text, terms("owner")).lease().orElseThrow());
    }
    // Every other result is taken over: its first token is stale, the taker's current.
    Instant later = t0.plus(LEASE).plusSeconds(1);
    Map<String, Fence> current = new HashMap<>();
    for (int i = 0; i < TEXTS; i++) {
      Fence fence = first.get(i);
      current.put(
          fence.resultId(),
          i % 2 == 0
              ? fence
              : store
                  .takeOver(fence, new LeaseTerms("taker", later, LEASE, 3))
                  .orElseThrow()
                  .lease()
                  .orElseThrow());
    }
    Fence held = first.get(0);
    Map<Fence, Optional<Result>> outcomes = Collections.synchronizedMap(new HashMap<>());
    try (Connection blocker = database.connect()) {
      blocker.setAutoCommit(false);
      lockResult(blocker, held.resultId());
      Thread firstCompletion =
          caller("first", () -> outcomes.put(held, store.complete(held, envelope(held), later)));
      database.awaitLockWait(Duration.ofSeconds(10));

      List<Fence> fences = new ArrayList<>(first.subList(1, TEXTS));
      for (int i = 1; i < TEXTS; i += 2) {
        fences.add(current.get(first.get(i).resultId()));
      }
      CyclicBarrier start = new CyclicBarrier(fences.size());
      List<Thread> others = new ArrayList<>();
      for (Fence fence : fences) {
        others.add(
            caller(
                "complete-" + fence,
                () -> {
                  await(start);
                  outcomes.put(fence, store.complete(fence, envelope(fence), later));
                }));
      }
      awaitParkedInABatch(others);
      blocker.commit();

      join(firstCompletion);
      others.forEach(this::join);
    }

    assertThat(sizes.get(BatchSizes.COMPLETE)).containsExactly(1, TEXTS - 1 + TEXTS / 2);
    for (Map.Entry<Fence, Optional<Result>> outcome : outcomes.entrySet()) {
      Fence fence = outcome.getKey();
      boolean isCurrent = current.get(fence.resultId()).equals(fence);
      assertThat(outcome.getValue().isPresent()).as("completed by " + fence).isEqualTo(isCurrent);
    }
    for (Fence fence : current.values()) {
      Map<String, String> row = rowOfResult(fence.resultId());
      assertThat(row.get("status")).isEqualTo("completed");
      assertThat(row.get("fencing_token")).isEqualTo(Long.toString(fence.token()));
      assertThat(row.get("envelope")).isEqualTo(envelope(fence));
    }
  }

  private List<NewPrompt> texts() {
    Normalizer normalizer = new Normalizer(8000);
    List<NewPrompt> texts = new ArrayList<>();
    for (int i = 0; i < TEXTS; i++) {
      texts.add(normalizer.normalize("batched " + i, SampleGenerator.PROFILE));
    }
    return texts;
  }

  private LeaseTerms terms(String owner) {
    return new LeaseTerms(owner, t0, LEASE, 3);
  }

  private static String envelope(Fence fence) {
    return "{\"version\":1,\"pages\":[],\"metadata\":{\"token\":\"" + fence + "\"}}";
  }

  /** The held prompt, inserted by a transaction that stays open. */
  private void insertPrompt(Connection connection, NewPrompt prompt) throws Exception {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "WITH p AS (INSERT INTO genie_prompts (id, prompt_key, normalized_text, raw_text,"
                + " normalizer_version, created_at, profile_id, profile, namespace)"
                + " VALUES (gen_random_uuid(), ?, ?, ?, 1, now(), ?, CAST(? AS json), ?)"
                + " RETURNING id, created_at)"
                + " INSERT INTO genie_results (id, prompt_id, status, attempts, lease_owner,"
                + " lease_expires_at, fencing_token, created_at, updated_at)"
                + " SELECT gen_random_uuid(), id, 'pending', 1, 'blocker', now() + interval '30 s',"
                + " 1, created_at, created_at FROM p")) {
      insert.setString(1, prompt.key());
      insert.setString(2, prompt.normalizedText());
      insert.setString(3, prompt.rawText());
      insert.setString(4, prompt.profileId());
      insert.setString(5, prompt.profile());
      insert.setString(6, prompt.namespace());
      assertThat(insert.executeUpdate()).isEqualTo(1);
    }
  }

  private void lockResult(Connection connection, String resultId) throws Exception {
    try (PreparedStatement lock =
        connection.prepareStatement(
            "SELECT id FROM genie_results WHERE id = CAST(? AS uuid) FOR UPDATE")) {
      lock.setString(1, resultId);
      try (ResultSet row = lock.executeQuery()) {
        assertThat(row.next()).isTrue();
      }
    }
  }

  private Map<String, String> row(String key) throws Exception {
    return query(
        "SELECT p.id::text AS prompt_id, r.id::text AS result_id, r.lease_owner FROM genie_prompts"
            + " p JOIN genie_results r ON r.prompt_id = p.id WHERE p.prompt_key = ?",
        key);
  }

  private Map<String, String> rowOfResult(String resultId) throws Exception {
    return query(
        "SELECT status, fencing_token::text AS fencing_token, envelope::text AS envelope"
            + " FROM genie_results WHERE id = CAST(? AS uuid)",
        resultId);
  }

  private Map<String, String> query(String sql, String parameter) throws Exception {
    try (Connection connection = database.connect();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, parameter);
      try (ResultSet rows = statement.executeQuery()) {
        assertThat(rows.next()).as(sql + " for " + parameter).isTrue();
        Map<String, String> row = new HashMap<>();
        for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
          row.put(rows.getMetaData().getColumnLabel(i), rows.getString(i));
        }
        assertThat(rows.next()).as("one row").isFalse();
        return row;
      }
    }
  }

  /** Waits until every one of {@code callers} waits for a batch to take its request. */
  private static void awaitParkedInABatch(List<Thread> callers) throws InterruptedException {
    while (!callers.stream().allMatch(GroupCommitIT::parkedInABatch)) {
      Thread.sleep(5);
    }
  }

  private static boolean parkedInABatch(Thread caller) {
    if (caller.getState() != Thread.State.WAITING
        && caller.getState() != Thread.State.TIMED_WAITING) {
      return false;
    }
    for (StackTraceElement frame : caller.getStackTrace()) {
      if (frame.getMethodName().equals("awaitTurn")) {
        return true;
      }
    }
    return false;
  }

  private Thread caller(String name, ThrowingRunnable body) {
    Thread thread =
        new Thread(
            () -> {
              try {
                body.run();
              } catch (Exception e) {
                throw new IllegalStateException(name + " failed", e);
              }
            },
            name);
    thread.setUncaughtExceptionHandler((t, e) -> failures.add(e));
    thread.start();
    return thread;
  }

  private void join(Thread thread) {
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    assertThat(thread.isAlive()).as(thread.getName() + " finished").isFalse();
    assertThat(failures).isEmpty();
  }

  private static void await(CyclicBarrier barrier) throws Exception {
    barrier.await(30, TimeUnit.SECONDS);
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
