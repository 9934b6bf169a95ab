package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.core.Normalizer;
import dev.genie.core.generate.SampleGenerator;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.TestDatabase;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.sql.DatabaseUrl;
import dev.genie.persistence.sql.SqlPromptStore;
import dev.genie.persistence.sql.SqlStoreSettings;
import dev.genie.persistence.sql.internal.MyBatis;
import dev.genie.persistence.sql.internal.PromptMapper;
import dev.genie.persistence.sql.internal.PromptRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Genie's own statements, two sessions stepped by hand through each race in the manner of
 * PostgreSQL's isolation tester: session A runs its step in an open transaction, session B's step
 * blocks on A's lock, A commits or rolls back, and B's outcome is checked, then the rows through
 * plain JDBC.
 */
// A separate thread: a session stuck on a lock cannot be interrupted, only abandoned.
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IsolationIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final long LEASE_MICROS = LEASE.toNanos() / 1000;
  private static final String ENVELOPE = "{\"version\":1,\"pages\":[],\"metadata\":{}}";

  private final NewPrompt prompt =
      new Normalizer(8000).normalize("isolation", SampleGenerator.PROFILE);
  private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.MICROS);
  private final ExecutorService sessionB = Executors.newSingleThreadExecutor();
  private TestDatabase database;
  private SqlSessionFactory sessions;

  @BeforeEach
  void schema() {
    database = POSTGRES.server().freshDatabase();
    SqlPromptStore.open(SqlStoreSettings.builder(DatabaseUrl.parse(database.databaseUrl())).build())
        .close();
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(database.jdbcUrl());
    dataSource.setUser(database.user());
    dataSource.setPassword(database.password());
    sessions = MyBatis.sessionFactory(dataSource);
  }

  @AfterEach
  void stop() {
    sessionB.shutdownNow();
  }

  @ParameterizedTest(name = "A commits: {0}")
  @ValueSource(booleans = {true, false})
  void twoClaimsOfOneKey(boolean aCommits) throws Exception {
    try (SqlSession a = sessions.openSession(false);
        SqlSession b = sessions.openSession(false)) {
      PromptRow first = claim(a, "owner-a");
      assertThat(first.created).isTrue();

      Future<PromptRow[]> second =
          sessionB.submit(
              () -> {
                PromptRow claimed = claim(b, "owner-b");
                PromptRow read = claimed != null ? claimed : mapper(b).findByKey(prompt.key());
                b.commit(true);
                return new PromptRow[] {claimed, read};
              });
      database.awaitLockWait(Duration.ofSeconds(10));
      finish(a, aCommits);
      PromptRow[] outcome = second.get(10, TimeUnit.SECONDS);

      if (aCommits) {
        // The insert waited for A and did nothing; the statement's snapshot predates A's commit,
        // so only a second statement sees A's row: the store's reason to read again.
        assertThat(outcome[0]).isNull();
        assertThat(outcome[1].created).isFalse();
        assertThat(outcome[1].promptId).isEqualTo(first.promptId);
        assertThat(outcome[1].leaseOwner).isEqualTo("owner-a");
      } else {
        assertThat(outcome[0].created).isTrue();
        assertThat(outcome[0].leaseOwner).isEqualTo("owner-b");
      }
    }
    assertThat(database.number("SELECT count(*) FROM genie_prompts")).isEqualTo(1);
    assertThat(database.number("SELECT count(*) FROM genie_results")).isEqualTo(1);
  }

  @ParameterizedTest(name = "A commits: {0}")
  @ValueSource(booleans = {true, false})
  void twoTakeoversOfOneExpiredLease(boolean aCommits) throws Exception {
    PromptRow seeded = seedPending();
    Instant later = t0.plus(LEASE).plusSeconds(1);
    try (SqlSession a = sessions.openSession(false);
        SqlSession b = sessions.openSession(false)) {
      assertThat(mapper(a).takeOver(seeded.resultId, 1, "taker-a", later, LEASE_MICROS, 3))
          .isNotNull();

      Future<PromptRow> second =
          sessionB.submit(
              () -> {
                PromptRow row =
                    mapper(b).takeOver(seeded.resultId, 1, "taker-b", later, LEASE_MICROS, 3);
                b.commit(true);
                return row;
              });
      database.awaitLockWait(Duration.ofSeconds(10));
      finish(a, aCommits);
      PromptRow taken = second.get(10, TimeUnit.SECONDS);

      if (aCommits) {
        assertThat(taken).as("B read token 1, which A's commit replaced").isNull();
      } else {
        assertThat(taken.leaseOwner).isEqualTo("taker-b");
      }
    }
    assertThat(resultColumn("lease_owner")).isEqualTo(aCommits ? "taker-a" : "taker-b");
    assertThat(resultColumn("fencing_token")).isEqualTo("2");
    assertThat(resultColumn("attempts")).as("an expiry is no new attempt").isEqualTo("1");
  }

  @Test
  void aTakeoverWaitingOnACompletionFindsNothingToTake() throws Exception {
    PromptRow seeded = seedPending();
    Instant later = t0.plus(LEASE).plusSeconds(1);
    try (SqlSession a = sessions.openSession(false);
        SqlSession b = sessions.openSession(false)) {
      assertThat(mapper(a).complete(seeded.resultId, 1, ENVELOPE, later)).isNotNull();

      Future<PromptRow> takeover =
          sessionB.submit(
              () -> {
                PromptRow row =
                    mapper(b).takeOver(seeded.resultId, 1, "taker-b", later, LEASE_MICROS, 3);
                b.commit(true);
                return row;
              });
      database.awaitLockWait(Duration.ofSeconds(10));
      a.commit(true);

      assertThat(takeover.get(10, TimeUnit.SECONDS)).isNull();
    }
    assertThat(resultColumn("status")).isEqualTo("completed");
    assertThat(resultColumn("fencing_token")).isEqualTo("1");
    assertThat(resultColumn("envelope::text")).isEqualTo(ENVELOPE);
  }

  @Test
  void aLateCompletionWaitingOnATakeoverIsFencedOut() throws Exception {
    PromptRow seeded = seedPending();
    Instant later = t0.plus(LEASE).plusSeconds(1);
    try (SqlSession a = sessions.openSession(false);
        SqlSession b = sessions.openSession(false)) {
      assertThat(mapper(a).takeOver(seeded.resultId, 1, "taker-a", later, LEASE_MICROS, 3))
          .isNotNull();

      Future<PromptRow> staleCompletion =
          sessionB.submit(
              () -> {
                PromptRow row = mapper(b).complete(seeded.resultId, 1, ENVELOPE, later);
                b.commit(true);
                return row;
              });
      database.awaitLockWait(Duration.ofSeconds(10));
      a.commit(true);

      assertThat(staleCompletion.get(10, TimeUnit.SECONDS)).isNull();
    }
    assertThat(resultColumn("status")).isEqualTo("pending");
    assertThat(resultColumn("fencing_token")).isEqualTo("2");
    assertThat(resultColumn("envelope::text")).isNull();
  }

  /**
   * Two batches of claims that share keys, B's sent in another order: B waits for A on the shared
   * keys, and inserts only the key A did not hold, or, when A rolls back, all three.
   */
  @ParameterizedTest(name = "A commits: {0}")
  @ValueSource(booleans = {true, false})
  void twoBatchesOfClaimsOnOverlappingKeys(boolean aCommits) throws Exception {
    NewPrompt one = newPrompt("batch one");
    NewPrompt two = newPrompt("batch two");
    NewPrompt three = newPrompt("batch three");
    try (SqlSession a = sessions.openSession(false);
        SqlSession b = sessions.openSession(false)) {
      Map<String, PromptRow> first = claimBatch(a, "owner-a", one, two);
      assertThat(first.values()).allSatisfy(row -> assertThat(row.created).isTrue());

      Future<Map<String, PromptRow>[]> second =
          sessionB.submit(() -> claimBatchAndReadAgain(b, "owner-b", three, two, one));
      database.awaitLockWait(Duration.ofSeconds(10));
      finish(a, aCommits);
      Map<String, PromptRow>[] outcome = second.get(10, TimeUnit.SECONDS);

      assertThat(outcome[0].get(three.key()).created).isTrue();
      if (aCommits) {
        // As for one key: the statement's snapshot predates A's commit, a second read sees it.
        assertThat(outcome[0]).containsOnlyKeys(three.key());
        for (NewPrompt shared : List.of(one, two)) {
          assertThat(outcome[1].get(shared.key()).leaseOwner).isEqualTo("owner-a");
          assertThat(outcome[1].get(shared.key()).promptId)
              .isEqualTo(first.get(shared.key()).promptId);
        }
      } else {
        assertThat(outcome[0]).containsOnlyKeys(one.key(), two.key(), three.key());
        assertThat(outcome[0].values())
            .allSatisfy(row -> assertThat(row.leaseOwner).isEqualTo("owner-b"));
      }
    }
    assertThat(database.number("SELECT count(*) FROM genie_prompts")).isEqualTo(3);
    assertThat(database.number("SELECT count(DISTINCT prompt_key) FROM genie_prompts"))
        .isEqualTo(3);
    assertThat(database.number("SELECT count(*) FROM genie_results")).isEqualTo(3);
    assertThat(
            database.number(
                "SELECT count(*) FROM genie_results WHERE lease_owner = "
                    + (aCommits ? "'owner-a'" : "'owner-b'")))
        .isEqualTo(aCommits ? 2 : 3);
  }

  /** A batch and a lone claim of one of its keys, each in turn holding the key first. */
  @ParameterizedTest(name = "batch first: {0}, A commits: {1}")
  @CsvSource({"true, true", "true, false", "false, true", "false, false"})
  void aBatchAgainstASingleClaim(boolean batchFirst, boolean aCommits) throws Exception {
    NewPrompt before = newPrompt("isolation, batched first");
    NewPrompt after = newPrompt("isolation, batched last");
    NewPrompt[] batch = {after, prompt, before};
    try (SqlSession a = sessions.openSession(false);
        SqlSession b = sessions.openSession(false)) {
      if (batchFirst) {
        assertThat(claimBatch(a, "owner-a", batch)).hasSize(3);
      } else {
        assertThat(claim(a, "owner-a").created).isTrue();
      }

      Future<Map<String, PromptRow>[]> second =
          sessionB.submit(
              () -> {
                if (batchFirst) {
                  PromptRow claimed = claim(b, "owner-b");
                  PromptRow read = claimed != null ? claimed : mapper(b).findByKey(prompt.key());
                  b.commit(true);
                  return pair(
                      claimed == null ? Map.of() : Map.of(prompt.key(), claimed),
                      Map.of(prompt.key(), read));
                }
                return claimBatchAndReadAgain(b, "owner-b", batch);
              });
      database.awaitLockWait(Duration.ofSeconds(10));
      finish(a, aCommits);
      Map<String, PromptRow>[] outcome = second.get(10, TimeUnit.SECONDS);

      PromptRow shared = outcome[1].get(prompt.key());
      assertThat(shared.leaseOwner).isEqualTo(aCommits ? "owner-a" : "owner-b");
      assertThat(outcome[0].containsKey(prompt.key())).isEqualTo(!aCommits);
      if (!batchFirst) {
        assertThat(outcome[0].get(before.key()).created).isTrue();
        assertThat(outcome[0].get(after.key()).created).isTrue();
      }
    }
    long expectedPrompts = batchFirst && !aCommits ? 1 : 3;
    assertThat(database.number("SELECT count(*) FROM genie_prompts")).isEqualTo(expectedPrompts);
    assertThat(database.number("SELECT count(*) FROM genie_results")).isEqualTo(expectedPrompts);
    assertThat(
            database.number(
                "SELECT count(*) FROM genie_prompts p JOIN genie_results r ON r.prompt_id = p.id"
                    + " WHERE p.prompt_key = '"
                    + prompt.key()
                    + "' AND r.lease_owner = "
                    + (aCommits ? "'owner-a'" : "'owner-b'")))
        .isEqualTo(1);
  }

  /**
   * A batch of completions, one of whose tokens a takeover is replacing: the batch waits for the
   * takeover, and only that row is refused when it commits; the others complete.
   */
  @ParameterizedTest(name = "A commits: {0}")
  @ValueSource(booleans = {true, false})
  void aBatchOfCompletionsWithAStaleTokenCompletesTheOthers(boolean aCommits) throws Exception {
    PromptRow contested = seedPending();
    PromptRow[] others = {seedPending(newPrompt("done one")), seedPending(newPrompt("done two"))};
    Instant later = t0.plus(LEASE).plusSeconds(1);
    try (SqlSession a = sessions.openSession(false);
        SqlSession b = sessions.openSession(false)) {
      assertThat(mapper(a).takeOver(contested.resultId, 1, "taker-a", later, LEASE_MICROS, 3))
          .isNotNull();

      String[] ids = {others[0].resultId, contested.resultId, others[1].resultId};
      Future<List<PromptRow>> completion =
          sessionB.submit(
              () -> {
                List<PromptRow> rows =
                    mapper(b)
                        .completeBatch(
                            ids,
                            new Long[] {1L, 1L, 1L},
                            new String[] {ENVELOPE, ENVELOPE, ENVELOPE},
                            new String[] {later.toString(), later.toString(), later.toString()});
                b.commit(true);
                return rows;
              });
      database.awaitLockWait(Duration.ofSeconds(10));
      finish(a, aCommits);
      List<PromptRow> completed = completion.get(10, TimeUnit.SECONDS);

      List<String> expected = new ArrayList<>(List.of(others[0].resultId, others[1].resultId));
      if (!aCommits) {
        expected.add(contested.resultId);
      }
      assertThat(completed)
          .extracting(row -> row.resultId)
          .containsExactlyInAnyOrderElementsOf(expected);
    }
    for (PromptRow other : others) {
      assertThat(resultColumn("status", other.resultId)).isEqualTo("completed");
      assertThat(resultColumn("envelope::text", other.resultId)).isEqualTo(ENVELOPE);
    }
    assertThat(resultColumn("status", contested.resultId))
        .isEqualTo(aCommits ? "pending" : "completed");
    assertThat(resultColumn("fencing_token", contested.resultId)).isEqualTo(aCommits ? "2" : "1");
    assertThat(resultColumn("lease_owner", contested.resultId))
        .isEqualTo(aCommits ? "taker-a" : null);
  }

  private NewPrompt newPrompt(String text) {
    return new Normalizer(8000).normalize(text, SampleGenerator.PROFILE);
  }

  /** Claims {@code prompts} in one statement, in the order given; rows by key. */
  private Map<String, PromptRow> claimBatch(
      SqlSession session, String owner, NewPrompt... prompts) {
    int n = prompts.length;
    String[] owners = new String[n];
    String[] ats = new String[n];
    Long[] leases = new Long[n];
    Integer[] versions = new Integer[n];
    for (int i = 0; i < n; i++) {
      owners[i] = owner;
      ats[i] = t0.toString();
      leases[i] = LEASE_MICROS;
      versions[i] = prompts[i].normalizerVersion();
    }
    Map<String, PromptRow> rows = new HashMap<>();
    for (PromptRow row :
        mapper(session)
            .claimBatch(
                Arrays.stream(prompts).map(NewPrompt::key).toArray(String[]::new),
                Arrays.stream(prompts).map(NewPrompt::normalizedText).toArray(String[]::new),
                Arrays.stream(prompts).map(NewPrompt::rawText).toArray(String[]::new),
                versions,
                Arrays.stream(prompts).map(NewPrompt::profileId).toArray(String[]::new),
                Arrays.stream(prompts).map(NewPrompt::profile).toArray(String[]::new),
                Arrays.stream(prompts).map(NewPrompt::namespace).toArray(String[]::new),
                owners,
                ats,
                leases)) {
      assertThat(rows.put(row.promptKey, row)).as("one row per key").isNull();
    }
    return rows;
  }

  /** As the store does: the batch, then a second read of the keys it saw no row for; commits. */
  private Map<String, PromptRow>[] claimBatchAndReadAgain(
      SqlSession session, String owner, NewPrompt... prompts) {
    Map<String, PromptRow> claimed = claimBatch(session, owner, prompts);
    Map<String, PromptRow> read = new HashMap<>(claimed);
    String[] missing =
        Arrays.stream(prompts)
            .map(NewPrompt::key)
            .filter(key -> !claimed.containsKey(key))
            .toArray(String[]::new);
    if (missing.length > 0) {
      mapper(session).findByKeys(missing).forEach(row -> read.put(row.promptKey, row));
    }
    session.commit(true);
    return pair(claimed, read);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, PromptRow>[] pair(
      Map<String, PromptRow> claimed, Map<String, PromptRow> read) {
    return new Map[] {claimed, read};
  }

  private PromptRow claim(SqlSession session, String owner) {
    return mapper(session)
        .claim(
            prompt.key(),
            prompt.normalizedText(),
            prompt.rawText(),
            prompt.normalizerVersion(),
            prompt.profileId(),
            prompt.profile(),
            prompt.namespace(),
            owner,
            t0,
            LEASE_MICROS);
  }

  private PromptRow seedPending() {
    try (SqlSession seed = sessions.openSession(true)) {
      return claim(seed, "owner");
    }
  }

  private PromptRow seedPending(NewPrompt other) {
    try (SqlSession seed = sessions.openSession(true)) {
      return claimBatch(seed, "owner", other).get(other.key());
    }
  }

  private static PromptMapper mapper(SqlSession session) {
    return session.getMapper(PromptMapper.class);
  }

  private static void finish(SqlSession session, boolean commit) {
    if (commit) {
      session.commit(true); // forced: MyBatis counts these statements as selects, not writes
    } else {
      session.rollback(true);
    }
  }

  private String resultColumn(String expression, String resultId) throws Exception {
    try (Connection connection = database.connect();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT " + expression + " FROM genie_results WHERE id = CAST(? AS uuid)")) {
      query.setString(1, resultId);
      try (ResultSet row = query.executeQuery()) {
        assertThat(row.next()).as("result " + resultId).isTrue();
        return row.getString(1);
      }
    }
  }

  private String resultColumn(String expression) throws Exception {
    try (Connection connection = database.connect();
        ResultSet row =
            connection
                .createStatement()
                .executeQuery("SELECT " + expression + " FROM genie_results")) {
      assertThat(row.next()).isTrue();
      String value = row.getString(1);
      assertThat(row.next()).as("one result row").isFalse();
      return value;
    }
  }
}
