package dev.genie.persistence.sql;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the PostgreSQL store connects and behaves. The environment key of each setting is named in
 * its validation message.
 *
 * @param url where the database is
 * @param poolSize connections this instance keeps ({@code GENIE_DB_POOL_SIZE})
 * @param migrate what to do with the schema on open ({@code GENIE_MIGRATE})
 * @param connectionTimeout how long a request waits for a pooled connection before it is told the
 *     store is unavailable
 * @param statementTimeout the longest any of Genie's statements may run
 * @param lockTimeout the longest any of Genie's statements may wait for a lock
 * @param logSql whether every statement is logged with its timing to the System.Logger {@value
 *     #SQL_LOGGER} ({@code GENIE_LOG_SQL}); bound values are never logged
 * @param completedCacheBytes memory for completed prompts kept to answer repeated claims without a
 *     round trip ({@code GENIE_COMPLETED_CACHE_MB}); 0 keeps none
 * @param listenUrl where the connection that LISTENs for result changes goes, when not to {@code
 *     url} ({@code GENIE_DB_LISTEN_URL}): it needs a session of its own, which a pooler in
 *     transaction mode cannot give
 * @param pooler what sits between Genie and PostgreSQL ({@code GENIE_DB_POOLER})
 * @param failoverWait how long a statement that failed because the primary went away is run again
 *     on fresh connections before the request is told the store is unavailable, and how long the
 *     primary may be away before requests are told at once ({@code GENIE_DB_FAILOVER_WAIT_MS}); 0
 *     turns both off
 * @param timeSource whose clock stamps creation times and sets and checks lease expiry: the
 *     database's (the default, one clock for every instance) or the caller's ({@link
 *     dev.genie.persistence.LeaseTerms#now()}, for tests that move time)
 * @param groupCommitMax the most claims, and the most completions, that go to PostgreSQL together
 *     in one statement and one commit ({@code GENIE_DB_GROUP_COMMIT_MAX}). Those that arrive while
 *     half the pool is busy with such batches gather for the next; a request that finds a statement
 *     free goes at once. 1 sends every request alone
 */
public record SqlStoreSettings(
    DatabaseUrl url,
    int poolSize,
    MigrateMode migrate,
    Duration connectionTimeout,
    Duration statementTimeout,
    Duration lockTimeout,
    boolean logSql,
    long completedCacheBytes,
    Optional<DatabaseUrl> listenUrl,
    Pooler pooler,
    Duration failoverWait,
    TimeSource timeSource,
    int groupCommitMax) {

  /** The logger name of the statement log. */
  public static final String SQL_LOGGER = "dev.genie.sql";

  /**
   * HikariCP's advice for a machine like this (two connections per core, plus one), and at least
   * sixteen, as many as a small machine's request threads. A new prompt takes a connection twice,
   * for a statement each time; a request that finds none free parks and is woken for each, and
   * those hand-offs cost Genie more CPU than idle connections cost PostgreSQL (the benchmark's
   * new-prompt load gains an eighth from eight connections to sixteen on two cores).
   */
  public static final int DEFAULT_POOL_SIZE =
      Math.max(16, 2 * Runtime.getRuntime().availableProcessors() + 1);

  public SqlStoreSettings {
    Objects.requireNonNull(url, "url (DATABASE_URL)");
    Objects.requireNonNull(migrate, "migrate (GENIE_MIGRATE)");
    Objects.requireNonNull(timeSource, "timeSource");
    if (poolSize < 1 || poolSize > 1000) {
      throw new IllegalArgumentException(
          "GENIE_DB_POOL_SIZE must be between 1 and 1000: " + poolSize);
    }
    requireBetween("GENIE_DB_CONNECTION_TIMEOUT_MS", connectionTimeout, 250, 600_000);
    requireBetween("GENIE_DB_STATEMENT_TIMEOUT_MS", statementTimeout, 1, 3_600_000);
    requireBetween("GENIE_DB_LOCK_TIMEOUT_MS", lockTimeout, 1, 3_600_000);
    requireBetween("GENIE_DB_FAILOVER_WAIT_MS", failoverWait, 0, 600_000);
    Objects.requireNonNull(listenUrl, "listenUrl (GENIE_DB_LISTEN_URL)");
    Objects.requireNonNull(pooler, "pooler (GENIE_DB_POOLER)");
    if (groupCommitMax < 1 || groupCommitMax > MAX_GROUP_COMMIT) {
      throw new IllegalArgumentException(
          "GENIE_DB_GROUP_COMMIT_MAX must be between 1 (every request alone) and "
              + MAX_GROUP_COMMIT
              + ": "
              + groupCommitMax);
    }
    if (completedCacheBytes < 0 || completedCacheBytes > MAX_COMPLETED_CACHE_MB * MB) {
      throw new IllegalArgumentException(
          "GENIE_COMPLETED_CACHE_MB must be between 0 and "
              + MAX_COMPLETED_CACHE_MB
              + ": "
              + completedCacheBytes / MB);
    }
  }

  /**
   * A batch's bound: large enough that a busy instance's requests fit in one or two batches, small
   * enough that one batch's statement stays short and its rows' locks few.
   */
  public static final int DEFAULT_GROUP_COMMIT_MAX = 64;

  private static final int MAX_GROUP_COMMIT = 1000;
  private static final long MB = 1024 * 1024;
  private static final long MAX_COMPLETED_CACHE_MB = 64 * 1024;

  /** Where the LISTEN connection goes: {@code GENIE_DB_LISTEN_URL}, else {@code DATABASE_URL}. */
  public DatabaseUrl listenUrlOrUrl() {
    return listenUrl.orElse(url);
  }

  public static Builder builder(DatabaseUrl url) {
    return new Builder(url);
  }

  private static void requireBetween(String key, Duration value, long minMs, long maxMs) {
    Objects.requireNonNull(value, key);
    if (value.toMillis() < minMs || value.toMillis() > maxMs) {
      throw new IllegalArgumentException(
          key + " must be between " + minMs + " and " + maxMs + " ms: " + value.toMillis());
    }
  }

  /** Defaults as documented for the environment keys. */
  public static final class Builder {
    private final DatabaseUrl url;
    private int poolSize = DEFAULT_POOL_SIZE;
    private MigrateMode migrate = MigrateMode.APPLY;
    private Duration connectionTimeout = Duration.ofSeconds(2);
    private Duration statementTimeout = Duration.ofSeconds(5);
    private Duration lockTimeout = Duration.ofSeconds(2);
    private boolean logSql;
    private long completedCacheBytes = 16 * MB;
    private DatabaseUrl listenUrl;
    private Pooler pooler = Pooler.AUTO;
    private Duration failoverWait = Duration.ofSeconds(10);
    private TimeSource timeSource = TimeSource.DATABASE;
    private int groupCommitMax = DEFAULT_GROUP_COMMIT_MAX;

    private Builder(DatabaseUrl url) {
      this.url = url;
    }

    public Builder poolSize(int poolSize) {
      this.poolSize = poolSize;
      return this;
    }

    public Builder migrate(MigrateMode migrate) {
      this.migrate = migrate;
      return this;
    }

    public Builder connectionTimeout(Duration connectionTimeout) {
      this.connectionTimeout = connectionTimeout;
      return this;
    }

    public Builder statementTimeout(Duration statementTimeout) {
      this.statementTimeout = statementTimeout;
      return this;
    }

    public Builder lockTimeout(Duration lockTimeout) {
      this.lockTimeout = lockTimeout;
      return this;
    }

    public Builder logSql(boolean logSql) {
      this.logSql = logSql;
      return this;
    }

    public Builder completedCacheMegabytes(long megabytes) {
      this.completedCacheBytes = megabytes * MB;
      return this;
    }

    public Builder listenUrl(DatabaseUrl listenUrl) {
      this.listenUrl = listenUrl;
      return this;
    }

    public Builder pooler(Pooler pooler) {
      this.pooler = pooler;
      return this;
    }

    public Builder failoverWait(Duration failoverWait) {
      this.failoverWait = failoverWait;
      return this;
    }

    public Builder timeSource(TimeSource timeSource) {
      this.timeSource = timeSource;
      return this;
    }

    public Builder groupCommitMax(int groupCommitMax) {
      this.groupCommitMax = groupCommitMax;
      return this;
    }

    public SqlStoreSettings build() {
      return new SqlStoreSettings(
          url,
          poolSize,
          migrate,
          connectionTimeout,
          statementTimeout,
          lockTimeout,
          logSql,
          completedCacheBytes,
          Optional.ofNullable(listenUrl),
          pooler,
          failoverWait,
          timeSource,
          groupCommitMax);
    }
  }
}
