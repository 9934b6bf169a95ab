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
      awaitBlockedOnALock();
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
      awaitBlockedOnALock();
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
      awaitBlockedOnALock();
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
      awaitBlockedOnALock();
      a.commit(true);

      assertThat(staleCompletion.get(10, TimeUnit.SECONDS)).isNull();
    }
    assertThat(resultColumn("status")).isEqualTo("pending");
    assertThat(resultColumn("fencing_token")).isEqualTo("2");
    assertThat(resultColumn("envelope::text")).isNull();
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

  /** Waits until some session of this database waits for a lock: B has reached its step. */
  private void awaitBlockedOnALock() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try (Connection connection = database.connect();
        PreparedStatement waiting =
            connection.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND wait_event_type ="
                    + " 'Lock'")) {
      waiting.setString(1, database.name());
      while (System.nanoTime() < deadline) {
        try (ResultSet row = waiting.executeQuery()) {
          row.next();
          if (row.getInt(1) > 0) {
            return;
          }
        }
        Thread.sleep(5);
      }
    }
    throw new AssertionError("session B never blocked on session A's lock");
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
