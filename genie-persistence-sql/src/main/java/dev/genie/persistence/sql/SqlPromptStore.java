package dev.genie.persistence.sql;

import dev.genie.persistence.Claim;
import dev.genie.persistence.Failure;
import dev.genie.persistence.Fence;
import dev.genie.persistence.KeyStore;
import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.PageCursor;
import dev.genie.persistence.PromptPage;
import dev.genie.persistence.PromptStore;
import dev.genie.persistence.Result;
import dev.genie.persistence.ResultWatch;
import dev.genie.persistence.ResultWatchers;
import dev.genie.persistence.StoreUnavailableException;
import dev.genie.persistence.StoredPrompt;
import dev.genie.persistence.sql.internal.ChangeListener;
import dev.genie.persistence.sql.internal.Claims;
import dev.genie.persistence.sql.internal.CompletedPrompts;
import dev.genie.persistence.sql.internal.Completions;
import dev.genie.persistence.sql.internal.ConnectionPool;
import dev.genie.persistence.sql.internal.ConnectionSettings;
import dev.genie.persistence.sql.internal.Leases;
import dev.genie.persistence.sql.internal.MyBatis;
import dev.genie.persistence.sql.internal.PromptMapper;
import dev.genie.persistence.sql.internal.PromptRow;
import dev.genie.persistence.sql.internal.Schema;
import dev.genie.persistence.sql.internal.SqlKeyStore;
import dev.genie.persistence.sql.internal.StatementTime;
import dev.genie.persistence.sql.internal.Statements;
import dev.genie.persistence.sql.internal.StorePool;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.ibatis.session.Configuration;
import org.postgresql.Driver;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL store. Every operation is one autocommitted statement (two for a claim that loses
 * a race by a hair; through a pooler in transaction mode, one transaction that also sets its
 * timeouts), so no connection is held between them, and certainly not while generating ({@link
 * Statements}). Claims, and completions, that arrive while half the pool is busy with theirs go
 * together in the next statement ({@link Claims}, {@link Completions}): one commit then answers
 * them all, each only after it. While the primary seems away, every request goes alone, so that
 * each is retried, or told at once, on its own. Any number of instances may share one database: the
 * unique key and the fencing token decide. A claim of a prompt this instance has seen completed is
 * answered from memory: completed is final.
 */
public final class SqlPromptStore implements PromptStore {
  public static final String NAME = "sql";

  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  static {
    StorePool.install(store -> store.statements.dataSource());
  }

  private final SqlStoreSettings settings;
  private final boolean pooled;
  private final String schemaVersion;
  private final ResultWatchers watchers = new ResultWatchers();
  private final CompletedPrompts completed;
  private final Statements statements;
  private final StatementTime time;
  private final Claims claims;
  private final Completions completions;
  private final Leases leases;
  private final ChangeListener listener;
  private final SqlKeyStore keys;
  private final BatchSizes batchSizes = new BatchSizes();

  private SqlPromptStore(
      SqlStoreSettings settings, ConnectionPool pool, String schemaVersion, Statements statements) {
    this.settings = settings;
    this.pooled = pool.pooled();
    this.schemaVersion = schemaVersion;
    this.statements = statements;
    this.time = new StatementTime(settings.timeSource());
    this.completed = new CompletedPrompts(settings.completedCacheBytes());
    int maxBatch = settings.groupCommitMax();
    this.claims =
        new Claims(
            statements, time, completed, maxBatch, batchesInFlight(settings), batchSizes::claims);
    this.completions =
        new Completions(
            statements,
            time,
            watchers,
            maxBatch,
            batchesInFlight(settings),
            batchSizes::completions);
    this.leases = new Leases(statements, time);
    this.listener = new ChangeListener(this::connectForListening, watchers);
    this.keys = new SqlKeyStore(pool.dataSource());
  }

  /**
   * Connects, prepares the schema as {@link SqlStoreSettings#migrate()} says, and starts listening
   * for result changes.
   *
   * @throws StoreUnavailableException when the database cannot be reached
   * @throws MissingDatabaseException when the server answers but the database does not exist
   * @throws dev.genie.persistence.SchemaException when the schema is missing, newer than this
   *     build, or cannot be migrated
   */
  public static SqlPromptStore open(SqlStoreSettings settings) {
    // SLF4J sets itself up at its first use: in an application that has not logged yet, the
    // mapper's thread and this one would both start it, and it would replay their first lines
    // with a warning.
    LoggerFactory.getILoggerFactory();
    CompletableFuture<Configuration> mapping = MyBatis.mappingInBackground(settings.logSql());
    ConnectionPool pool = ConnectionPool.open(settings);
    try {
      String version = Schema.prepare(pool, settings);
      SqlPromptStore store =
          new SqlPromptStore(
              settings,
              pool,
              version,
              new Statements(pool, MyBatis.sessionFactory(mapping, pool.dataSource()), settings));
      if (pool.pooled() && settings.listenUrl().isEmpty()) {
        ChangeListener.pollOnly(
            "SqlStoreSettings.url goes through a pooler in transaction mode, where LISTEN cannot"
                + " hold a session, and SqlStoreSettings.listenUrl names no direct connection");
      } else {
        store.listener.start();
      }
      return store;
    } catch (RuntimeException e) {
      pool.dataSource().close();
      throw e;
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Claim claim(NewPrompt prompt, LeaseTerms terms) {
    return claims.claim(prompt, terms);
  }

  @Override
  public Optional<Claim> takeOver(Fence observed, LeaseTerms terms) {
    return leases.takeOver(observed, terms);
  }

  @Override
  public List<Claim> takeOverExpired(LeaseTerms terms, int limit) {
    return leases.takeOverExpired(terms, limit);
  }

  @Override
  public boolean renew(Fence fence, LeaseTerms terms) {
    return leases.renew(fence, terms);
  }

  /** Renews them all in one statement. */
  @Override
  public Set<Fence> renew(Collection<Fence> fences, LeaseTerms terms) {
    return leases.renew(fences, terms);
  }

  @Override
  public Optional<Result> complete(Fence fence, String envelopeJson, Instant now) {
    return completions.complete(fence, envelopeJson, now);
  }

  @Override
  public Optional<Result> fail(Fence fence, Failure failure, Instant now) {
    Integer status = failure.upstreamStatus() == 0 ? null : failure.upstreamStatus();
    Long retryAfterMs = failure.retryAfter() == null ? null : failure.retryAfter().toMillis();
    return completions.announced(
        inSession(
            "record the failure of result " + fence.resultId(),
            mapper ->
                mapper.fail(
                    fence.resultId(),
                    fence.token(),
                    failure.message(),
                    status,
                    retryAfterMs,
                    time.at(now))));
  }

  @Override
  public boolean release(Fence fence, Instant now) {
    PromptRow row =
        inSession(
            "release the lease of result " + fence.resultId(),
            mapper -> mapper.release(fence.resultId(), fence.token(), time.at(now)));
    if (row != null) {
      watchers.signal(row.resultId);
    }
    return row != null;
  }

  @Override
  public Optional<StoredPrompt> find(String promptId) {
    if (promptId == null || !UUID_TEXT.matcher(promptId).matches()) {
      return Optional.empty();
    }
    return read(promptId, mapper -> mapper.find(promptId));
  }

  @Override
  public Optional<StoredPrompt> findByKey(String promptKey) {
    Optional<StoredPrompt> known = completed.get(promptKey);
    return known.isPresent() ? known : read(promptKey, mapper -> mapper.findByKey(promptKey));
  }

  /** One prompt read by {@code query}, remembered when it is completed. */
  private Optional<StoredPrompt> read(String name, Function<PromptMapper, PromptRow> query) {
    Optional<StoredPrompt> state =
        Optional.ofNullable(inSession("read prompt " + name, query)).map(PromptRow::toStoredPrompt);
    state.ifPresent(completed::remember);
    return state;
  }

  @Override
  public PromptPage list(int limit, Optional<PageCursor> after) {
    return list(null, limit, after);
  }

  @Override
  public PromptPage list(String namespace, int limit, Optional<PageCursor> after) {
    List<PromptRow> rows =
        inSession(
            "list prompts",
            mapper ->
                mapper.list(
                    namespace,
                    limit + 1,
                    after.map(PageCursor::createdAt).orElse(null),
                    after.map(PageCursor::promptId).orElse(null)));
    List<StoredPrompt> items = new ArrayList<>(Math.min(rows.size(), limit));
    for (int i = 0; i < rows.size() && i < limit; i++) {
      items.add(rows.get(i).toStoredPrompt());
    }
    Optional<PageCursor> next =
        rows.size() > limit
            ? Optional.of(PageCursor.after(items.get(items.size() - 1).prompt()))
            : Optional.empty();
    return new PromptPage(items, next);
  }

  @Override
  public ResultWatch watch(String resultId, Runnable onChange) {
    ResultWatch watch = watchers.open(resultId, onChange);
    try {
      inSession("watch result " + resultId, mapper -> mapper.watch(resultId));
      return watch;
    } catch (RuntimeException e) {
      watch.close();
      throw e;
    }
  }

  @Override
  public void ping(Duration timeout) {
    try (Connection connection = statements.dataSource().getConnection()) {
      if (!connection.isValid((int) Math.max(1, timeout.toSeconds()))) {
        throw new StoreUnavailableException(
            "PostgreSQL at " + settings.url().redacted() + " did not answer within " + timeout);
      }
    } catch (SQLException e) {
      throw new StoreUnavailableException(
          "PostgreSQL at " + settings.url().redacted() + " is unavailable: " + e.getMessage(), e);
    }
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put(
        "server",
        String.join(",", settings.url().servers().stream().map(Object::toString).toList()));
    details.put("database", settings.url().database());
    details.put("user", settings.url().user());
    details.put("poolSize", settings.poolSize());
    details.put("pooler", pooled ? "transaction" : "none");
    // A number, as the other counts: migrations are numbered by whole numbers (V1, V2, …).
    details.put("schemaVersion", Integer.valueOf(schemaVersion));
    details.put(
        "notifications",
        listener.listening(settings.connectionTimeout()) ? "listening" : "polling");
    return details;
  }

  @Override
  public Optional<KeyStore> keys() {
    return Optional.of(keys);
  }

  /**
   * The sizes of the batches that claims and completions went in; meters bind through {@link
   * SqlStoreMetrics}.
   */
  public BatchSizes batchSizes() {
    return batchSizes;
  }

  @Override
  public void close() {
    listener.close();
    statements.dataSource().close();
  }

  /**
   * Batches of claims, and of completions, in flight at once: half the pool each, so that requests
   * gather only once the pool is busy. A cap of one or a few batches serialized everything behind
   * them when the rows' index pages had to be read from disk: each row then costs about as much in
   * a batch as alone, and the batch took away the parallelism that hid those reads.
   */
  private static int batchesInFlight(SqlStoreSettings settings) {
    return Math.max(1, settings.poolSize() / 2);
  }

  private <T> T inSession(String action, Function<PromptMapper, T> work) {
    return statements.run(action, work);
  }

  /**
   * A session of its own: through a pooler, only when SqlStoreSettings.listenUrl names PostgreSQL
   * itself.
   */
  private Connection connectForListening() throws SQLException {
    DatabaseUrl url = settings.listenUrlOrUrl();
    return new Driver()
        .connect(
            url.jdbcUrl(),
            ConnectionSettings.withCredentials(settings, url, "genie-listen", false));
  }
}
