package dev.genie.persistence.sql;

import static dev.genie.persistence.Bounds.requireBetween;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the PostgreSQL store connects and behaves. Validation messages name each setting as {@code
 * SqlStoreSettings.<builder method>}.
 *
 * @param url where the database is
 * @param poolSize connections this instance keeps
 * @param migrate what to do with the schema on open
 * @param connectionTimeout how long a request waits for a pooled connection before it is told the
 *     store is unavailable
 * @param statementTimeout the longest any of Genie's statements may run
 * @param lockTimeout the longest any of Genie's statements may wait for a lock
 * @param logSql whether every statement is logged with its timing to the SLF4J logger {@value
 *     #SQL_LOGGER}; bound values are never logged
 * @param completedCacheBytes memory for completed prompts kept to answer repeated claims without a
 *     round trip ({@code completedCacheMegabytes}); 0 keeps none
 * @param listenUrl where the connection that LISTENs for result changes goes, when not to {@code
 *     url}: it needs a session of its own, which a pooler in transaction mode cannot give
 * @param pooler what sits between Genie and PostgreSQL
 * @param failoverWait how long a statement that failed because the primary went away is run again
 *     on fresh connections before the request is told the store is unavailable, and how long the
 *     primary may be away before requests are told at once; 0 turns both off
 * @param timeSource whose clock stamps creation times and sets and checks lease expiry: the
 *     database's (the default, one clock for every instance) or the caller's ({@link
 *     dev.genie.persistence.LeaseTerms#now()}, for tests that move time)
 * @param groupCommitMax the most claims, and the most completions, that go to PostgreSQL together
 *     in one statement and one commit ({@code groupCommitMax}). Those that arrive while half the
 *     pool is busy with such batches gather for the next; a request that finds a statement free
 *     goes at once. 1 sends every request alone
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
   * sixteen: group commit keeps up to half of them busy with batches of claims and half with
   * batches of completions, and a request that finds none free parks and is woken for each
   * statement, hand-offs that cost Genie more CPU than idle connections cost PostgreSQL.
   */
  public static final int DEFAULT_POOL_SIZE =
      Math.max(16, 2 * Runtime.getRuntime().availableProcessors() + 1);

  public SqlStoreSettings {
    Objects.requireNonNull(url, "SqlStoreSettings.url");
    Objects.requireNonNull(migrate, "SqlStoreSettings.migrate");
    Objects.requireNonNull(timeSource, "SqlStoreSettings.timeSource");
    requireBetween("SqlStoreSettings.poolSize", poolSize, 1, 1000);
    requireBetween("SqlStoreSettings.connectionTimeout", connectionTimeout, 250, 600_000);
    requireBetween("SqlStoreSettings.statementTimeout", statementTimeout, 1, 3_600_000);
    requireBetween("SqlStoreSettings.lockTimeout", lockTimeout, 1, 3_600_000);
    requireBetween("SqlStoreSettings.failoverWait", failoverWait, 0, 600_000);
    Objects.requireNonNull(listenUrl, "SqlStoreSettings.listenUrl");
    Objects.requireNonNull(pooler, "SqlStoreSettings.pooler");
    requireBetween("SqlStoreSettings.groupCommitMax", groupCommitMax, 1, MAX_GROUP_COMMIT);
    if (completedCacheBytes < 0 || completedCacheBytes > MAX_COMPLETED_CACHE_MB * MB) {
      throw new IllegalArgumentException(
          "SqlStoreSettings.completedCacheMegabytes must be between 0 and "
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

  /** Where the LISTEN connection goes: {@code listenUrl}, else {@code url}. */
  public DatabaseUrl listenUrlOrUrl() {
    return listenUrl.orElse(url);
  }

  public static Builder builder(DatabaseUrl url) {
    return new Builder(url);
  }

  /** A builder that starts from these settings, to change a few of them. */
  public Builder toBuilder() {
    Builder builder = new Builder(url);
    builder.poolSize = poolSize;
    builder.migrate = migrate;
    builder.connectionTimeout = connectionTimeout;
    builder.statementTimeout = statementTimeout;
    builder.lockTimeout = lockTimeout;
    builder.logSql = logSql;
    builder.completedCacheBytes = completedCacheBytes;
    builder.listenUrl = listenUrl.orElse(null);
    builder.pooler = pooler;
    builder.failoverWait = failoverWait;
    builder.timeSource = timeSource;
    builder.groupCommitMax = groupCommitMax;
    return builder;
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
