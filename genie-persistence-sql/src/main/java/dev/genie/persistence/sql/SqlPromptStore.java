package dev.genie.persistence.sql;

import com.zaxxer.hikari.HikariDataSource;
import dev.genie.persistence.Claim;
import dev.genie.persistence.Failure;
import dev.genie.persistence.Fence;
import dev.genie.persistence.KeyStore;
import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.PageCursor;
import dev.genie.persistence.PromptKeyCollisionException;
import dev.genie.persistence.PromptPage;
import dev.genie.persistence.PromptStore;
import dev.genie.persistence.Result;
import dev.genie.persistence.ResultWatch;
import dev.genie.persistence.ResultWatchers;
import dev.genie.persistence.StoreUnavailableException;
import dev.genie.persistence.StoredPrompt;
import dev.genie.persistence.sql.internal.ChangeListener;
import dev.genie.persistence.sql.internal.CompletedPrompts;
import dev.genie.persistence.sql.internal.ConnectionPool;
import dev.genie.persistence.sql.internal.ConnectionSettings;
import dev.genie.persistence.sql.internal.GroupCommit;
import dev.genie.persistence.sql.internal.MyBatis;
import dev.genie.persistence.sql.internal.Outage;
import dev.genie.persistence.sql.internal.PoolGate;
import dev.genie.persistence.sql.internal.PromptMapper;
import dev.genie.persistence.sql.internal.PromptRow;
import dev.genie.persistence.sql.internal.Schema;
import dev.genie.persistence.sql.internal.SqlKeyStore;
import dev.genie.persistence.sql.internal.StoreFailures;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL store. Every operation is one autocommitted statement (two for a claim that loses
 * a race by a hair; through a pooler in transaction mode, one transaction that also sets its
 * timeouts), so no connection is held between them, and certainly not while generating. Claims, and
 * completions, that arrive while half the pool is busy with theirs go together in the next
 * statement ({@link GroupCommit}): one commit then answers them all, each only after it. While the
 * primary seems away, every request goes alone, so that each is retried, or told at once, on its
 * own ({@link Outage}). Any number of instances may share one database: the unique key and the
 * fencing token decide. A claim of a prompt this instance has seen completed is answered from
 * memory: completed is final.
 */
public final class SqlPromptStore implements PromptStore {
  public static final String NAME = "sql";

  private static final Logger log = LoggerFactory.getLogger(SqlPromptStore.class);

  private static final long FIRST_RETRY_PAUSE_MILLIS = 50;
  private static final long MAX_RETRY_PAUSE_MILLIS = 500;

  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final SqlStoreSettings settings;
  private final HikariDataSource dataSource;
  private final boolean pooled;
  private final String setLocalTimeouts;
  private final SqlSessionFactory sessions;
  private final String schemaVersion;
  private final ResultWatchers watchers = new ResultWatchers();
  private final CompletedPrompts completed;
  private final PoolGate gate;
  private final Outage outage;
  private final ChangeListener listener;
  private final SqlKeyStore keys;
  private final BatchSizes batchSizes = new BatchSizes();

  /** Null when claims and completions each go alone ({@link SqlStoreSettings#groupCommitMax}). */
  private final GroupCommit<ClaimRequest, Claim> claims;

  private final GroupCommit<Completion, Optional<Result>> completions;

  private record ClaimRequest(NewPrompt prompt, LeaseTerms terms) {}

  private record Completion(Fence fence, String envelopeJson, Instant now) {}

  private SqlPromptStore(
      SqlStoreSettings settings,
      ConnectionPool pool,
      String schemaVersion,
      SqlSessionFactory sessions) {
    this.settings = settings;
    this.dataSource = pool.dataSource();
    this.pooled = pool.pooled();
    this.setLocalTimeouts = ConnectionSettings.setLocalTimeouts(settings);
    this.schemaVersion = schemaVersion;
    this.sessions = sessions;
    this.completed = new CompletedPrompts(settings.completedCacheBytes());
    this.gate = new PoolGate(settings.poolSize(), settings.connectionTimeout());
    this.outage = new Outage(settings.failoverWait());
    this.listener = new ChangeListener(this::connectForListening, watchers);
    this.keys = new SqlKeyStore(dataSource);
    if (settings.groupCommitMax() > 1) {
      this.claims =
          new GroupCommit<>(
              settings.groupCommitMax(),
              batchesInFlight(settings),
              this::claimTogether,
              batchSizes::claims,
              settings.connectionTimeout(),
              request -> queuedTooLong("claim prompt " + request.prompt().key(), "claims"));
      this.completions =
          new GroupCommit<>(
              settings.groupCommitMax(),
              batchesInFlight(settings),
              this::completeTogether,
              batchSizes::completions,
              settings.connectionTimeout(),
              request ->
                  queuedTooLong("complete result " + request.fence().resultId(), "completions"));
    } else {
      this.claims = null;
      this.completions = null;
    }
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
              settings, pool, version, MyBatis.sessionFactory(mapping, pool.dataSource()));
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

  /** Whether a stored prompt is this one, not another whose key collides with it. */
  private static boolean sameText(StoredPrompt stored, NewPrompt prompt) {
    return stored.prompt().normalizedText().equals(prompt.normalizedText())
        && stored.prompt().profileId().equals(prompt.profileId())
        && stored.prompt().namespace().equals(prompt.namespace());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Claim claim(NewPrompt prompt, LeaseTerms terms) {
    Optional<StoredPrompt> known = completed.get(prompt.key());
    if (known.isPresent() && sameText(known.get(), prompt)) {
      return Claim.existing(known.get()); // final: the database would answer the same
    }
    return claims != null && !outage.suspected()
        ? claims.submit(new ClaimRequest(prompt, terms))
        : claimAlone(prompt, terms);
  }

  private Claim claimAlone(NewPrompt prompt, LeaseTerms terms) {
    Function<PromptMapper, PromptRow> claim =
        mapper -> {
          PromptRow claimed =
              mapper.claim(
                  prompt.key(),
                  prompt.normalizedText(),
                  prompt.rawText(),
                  prompt.normalizerVersion(),
                  prompt.profileId(),
                  prompt.profile(),
                  prompt.namespace(),
                  terms.owner(),
                  at(terms.now()),
                  micros(terms.duration()));
          return claimed != null ? claimed : mapper.findByKey(prompt.key());
        };
    PromptRow row =
        inSession(
            "claim prompt " + prompt.key(),
            claim,
            mapper -> createdByLostAttempt(claim.apply(mapper), terms.owner()));
    return claimFrom(row, prompt, true);
  }

  /**
   * {@code row} marked created when a lost attempt of this claim created it: it is pending under a
   * lease granted to {@code owner}, which names this claim alone ({@link LeaseTerms#owner()}).
   */
  private static PromptRow createdByLostAttempt(PromptRow row, String owner) {
    if (row != null && !row.created && heldBy(row, owner)) {
      log.info(
          "the answer to the claim of prompt {} was lost; its lease is {}", row.promptId, owner);
      row.created = true;
    }
    return row;
  }

  private static boolean heldBy(PromptRow row, String owner) {
    return "pending".equals(row.status) && owner.equals(row.leaseOwner);
  }

  /**
   * Claims a batch's prompts in one statement. The first request for a key is answered as if it had
   * come alone; a later request for the same key as if it had come right after: it finds the prompt
   * the first one created (or found), without a lease.
   */
  private void claimTogether(List<GroupCommit.Entry<ClaimRequest, Claim>> batch) {
    if (batch.size() == 1) {
      ClaimRequest alone = batch.get(0).request();
      batch.get(0).settle(() -> claimAlone(alone.prompt(), alone.terms()));
      return;
    }
    Map<String, ClaimRequest> firsts = new TreeMap<>(); // key order: see claimBatch
    for (GroupCommit.Entry<ClaimRequest, Claim> entry : batch) {
      firsts.putIfAbsent(entry.request().prompt().key(), entry.request());
    }
    List<ClaimRequest> requests = List.copyOf(firsts.values());
    Map<String, PromptRow> rows =
        inSession(
            "claim " + firsts.size() + " prompts together",
            mapper -> claimBatch(mapper, requests),
            mapper -> {
              Map<String, PromptRow> found = claimBatch(mapper, requests);
              found.replaceAll(
                  (key, row) -> createdByLostAttempt(row, firsts.get(key).terms().owner()));
              return found;
            });
    for (GroupCommit.Entry<ClaimRequest, Claim> entry : batch) {
      NewPrompt prompt = entry.request().prompt();
      boolean first = firsts.get(prompt.key()) == entry.request();
      entry.settle(() -> claimFrom(rows.get(prompt.key()), prompt, first));
    }
  }

  private Map<String, PromptRow> claimBatch(PromptMapper mapper, List<ClaimRequest> requests) {
    int n = requests.size();
    String[] keys = new String[n];
    String[] normalizedTexts = new String[n];
    String[] rawTexts = new String[n];
    Integer[] normalizerVersions = new Integer[n];
    String[] profileIds = new String[n];
    String[] profiles = new String[n];
    String[] namespaces = new String[n];
    String[] owners = new String[n];
    String[] ats = new String[n];
    Long[] leaseMicros = new Long[n];
    for (int i = 0; i < n; i++) {
      NewPrompt prompt = requests.get(i).prompt();
      LeaseTerms terms = requests.get(i).terms();
      keys[i] = prompt.key();
      normalizedTexts[i] = prompt.normalizedText();
      rawTexts[i] = prompt.rawText();
      normalizerVersions[i] = prompt.normalizerVersion();
      profileIds[i] = prompt.profileId();
      profiles[i] = prompt.profile();
      namespaces[i] = prompt.namespace();
      owners[i] = terms.owner();
      ats[i] = atText(terms.now());
      leaseMicros[i] = micros(terms.duration());
    }
    Map<String, PromptRow> rows = new HashMap<>();
    for (PromptRow row :
        mapper.claimBatch(
            keys,
            normalizedTexts,
            rawTexts,
            normalizerVersions,
            profileIds,
            profiles,
            namespaces,
            owners,
            ats,
            leaseMicros)) {
      rows.put(row.promptKey, row);
    }
    if (rows.size() < n) {
      // Inserted by transactions that committed after the statement's snapshot: a new one sees
      // them.
      String[] missing =
          Arrays.stream(keys).filter(key -> !rows.containsKey(key)).toArray(String[]::new);
      for (PromptRow row : mapper.findByKeys(missing)) {
        rows.put(row.promptKey, row);
      }
    }
    return rows;
  }

  /** The claim {@code row} answers for {@code prompt}; only a first request can have created it. */
  private Claim claimFrom(PromptRow row, NewPrompt prompt, boolean first) {
    if (row == null) {
      throw new IllegalStateException(
          "prompt " + prompt.key() + " was neither inserted nor found; this is a bug");
    }
    StoredPrompt state = row.toStoredPrompt();
    if (!sameText(state, prompt)) {
      throw new PromptKeyCollisionException(prompt.key());
    }
    if (row.created && first) {
      return Claim.granted(state, true);
    }
    completed.remember(state);
    return Claim.existing(state);
  }

  @Override
  public Optional<Claim> takeOver(Fence observed, LeaseTerms terms) {
    Function<PromptMapper, PromptRow> takeOver =
        mapper ->
            mapper.takeOver(
                observed.resultId(),
                observed.token(),
                terms.owner(),
                at(terms.now()),
                micros(terms.duration()),
                terms.maxAttempts());
    return Optional.ofNullable(
            inSession(
                "take over result " + observed.resultId(),
                takeOver,
                mapper -> {
                  PromptRow taken = takeOver.apply(mapper);
                  if (taken != null) {
                    return taken;
                  }
                  // A lost attempt that took it has moved the token on: its lease names us.
                  PromptRow lost =
                      mapper.heldBy(terms.owner(), observed.resultId()).stream()
                          .findFirst()
                          .orElse(null);
                  if (lost != null) {
                    log.info(
                        "the answer to the takeover of result {} was lost; its lease is {}",
                        lost.resultId,
                        terms.owner());
                  }
                  return lost;
                }))
        .map(row -> Claim.granted(row.toStoredPrompt(), false));
  }

  @Override
  public List<Claim> takeOverExpired(LeaseTerms terms, int limit) {
    Function<PromptMapper, List<PromptRow>> sweep =
        mapper ->
            mapper.takeOverExpired(terms.owner(), at(terms.now()), micros(terms.duration()), limit);
    List<PromptRow> rows =
        inSession(
            "take over expired leases",
            sweep,
            mapper -> {
              // What a lost attempt took is ours already; the rest of the limit is taken now.
              List<PromptRow> taken = new ArrayList<>(mapper.heldBy(terms.owner(), null));
              if (!taken.isEmpty()) {
                log.info(
                    "the answer to a sweep was lost; it had taken {} results, under {}",
                    taken.size(),
                    terms.owner());
              }
              if (taken.size() < limit) {
                taken.addAll(
                    mapper.takeOverExpired(
                        terms.owner(),
                        at(terms.now()),
                        micros(terms.duration()),
                        limit - taken.size()));
              }
              return taken;
            });
    return rows.stream().map(row -> Claim.granted(row.toStoredPrompt(), false)).toList();
  }

  @Override
  public boolean renew(Fence fence, LeaseTerms terms) {
    return inSession(
            "renew the lease of result " + fence.resultId(),
            mapper ->
                mapper.renew(
                    fence.resultId(), fence.token(), at(terms.now()), micros(terms.duration())))
        == 1;
  }

  @Override
  public Optional<Result> complete(Fence fence, String envelopeJson, Instant now) {
    return completions != null && !outage.suspected()
        ? completions.submit(new Completion(fence, envelopeJson, now))
        : completeAlone(fence, envelopeJson, now);
  }

  private Optional<Result> completeAlone(Fence fence, String envelopeJson, Instant now) {
    return announced(
        withEnvelope(
            inSession(
                "complete result " + fence.resultId(),
                mapper -> mapper.complete(fence.resultId(), fence.token(), envelopeJson, at(now))),
            envelopeJson));
  }

  /**
   * A completed row with the envelope its completion stored: the statement does not send back what
   * it was just sent.
   */
  private static PromptRow withEnvelope(PromptRow completed, String envelopeJson) {
    if (completed != null) {
      completed.envelope = envelopeJson;
    }
    return completed;
  }

  /**
   * Completes a batch's results in one statement, each fenced by its own token. A second completion
   * of a result already in the batch runs alone after it, as it would have had it come after: it
   * finds the result completed, unless the first one's token was stale.
   */
  private void completeTogether(List<GroupCommit.Entry<Completion, Optional<Result>>> batch) {
    if (batch.size() == 1) {
      Completion alone = batch.get(0).request();
      batch.get(0).settle(() -> completeAlone(alone.fence(), alone.envelopeJson(), alone.now()));
      return;
    }
    Map<String, GroupCommit.Entry<Completion, Optional<Result>>> firsts = new TreeMap<>();
    List<GroupCommit.Entry<Completion, Optional<Result>>> again = new ArrayList<>();
    for (GroupCommit.Entry<Completion, Optional<Result>> entry : batch) {
      if (firsts.putIfAbsent(entry.request().fence().resultId(), entry) != null) {
        again.add(entry);
      }
    }
    int n = firsts.size();
    String[] resultIds = new String[n];
    Long[] tokens = new Long[n];
    String[] envelopes = new String[n];
    String[] ats = new String[n];
    int i = 0;
    for (GroupCommit.Entry<Completion, Optional<Result>> entry : firsts.values()) {
      Completion completion = entry.request();
      resultIds[i] = completion.fence().resultId();
      tokens[i] = completion.fence().token();
      envelopes[i] = completion.envelopeJson();
      ats[i] = atText(completion.now());
      i++;
    }
    List<PromptRow> rows =
        inSession(
            "complete " + n + " results together",
            mapper -> mapper.completeBatch(resultIds, tokens, envelopes, ats));
    Map<String, PromptRow> byResult = new HashMap<>();
    for (PromptRow row : rows) {
      byResult.put(row.resultId, row);
    }
    for (GroupCommit.Entry<Completion, Optional<Result>> entry : firsts.values()) {
      Completion completion = entry.request();
      entry.succeed(
          announced(
              withEnvelope(
                  byResult.get(completion.fence().resultId()), completion.envelopeJson())));
    }
    for (GroupCommit.Entry<Completion, Optional<Result>> entry : again) {
      Completion completion = entry.request();
      entry.settle(
          () -> completeAlone(completion.fence(), completion.envelopeJson(), completion.now()));
    }
  }

  @Override
  public Optional<Result> fail(Fence fence, Failure failure, Instant now) {
    Integer status = failure.upstreamStatus() == 0 ? null : failure.upstreamStatus();
    Long retryAfterMs = failure.retryAfter() == null ? null : failure.retryAfter().toMillis();
    return announced(
        inSession(
            "record the failure of result " + fence.resultId(),
            mapper ->
                mapper.fail(
                    fence.resultId(),
                    fence.token(),
                    failure.message(),
                    status,
                    retryAfterMs,
                    at(now))));
  }

  @Override
  public boolean release(Fence fence, Instant now) {
    PromptRow row =
        inSession(
            "release the lease of result " + fence.resultId(),
            mapper -> mapper.release(fence.resultId(), fence.token(), at(now)));
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
    try (Connection connection = dataSource.getConnection()) {
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

  /**
   * The pool, for tests that cut the store off its database; meters bind through {@link
   * SqlStoreMetrics}.
   */
  public HikariDataSource dataSource() {
    return dataSource;
  }

  @Override
  public void close() {
    listener.close();
    dataSource.close();
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

  /** For a request that no batch took within the connection timeout: one ahead of it is stuck. */
  private StoreUnavailableException queuedTooLong(String action, String kind) {
    return new StoreUnavailableException(
        "could not "
            + action
            + ": it waited "
            + settings.connectionTimeout().toMillis()
            + " ms behind a batch of "
            + kind
            + " whose connection stayed busy (SqlStoreSettings.connectionTimeout,"
            + " SqlStoreSettings.groupCommitMax)");
  }

  /** {@link #at} as an element of a text array, which the batched statements cast. */
  private String atText(Instant callerNow) {
    Instant at = at(callerNow);
    return at == null ? null : at.toString();
  }

  /** The caller's time, or null for the database's clock ({@link SqlStoreSettings#timeSource}). */
  private Instant at(Instant callerNow) {
    return settings.timeSource() == TimeSource.CALLER ? callerNow : null;
  }

  private static long micros(Duration duration) {
    return duration.toNanos() / 1000;
  }

  /** Wakes this process's waiters at once; other instances hear it through NOTIFY. */
  private Optional<Result> announced(PromptRow row) {
    if (row == null) {
      return Optional.empty();
    }
    watchers.signal(row.resultId);
    return Optional.of(row.toResult());
  }

  private <T> T inSession(String action, Function<PromptMapper, T> work) {
    return inSession(action, work, work);
  }

  /**
   * Runs {@code first}, retrying on a fresh connection while the failure says that the primary went
   * away, for up to {@link SqlStoreSettings#failoverWait()}: the time a standby takes to be
   * promoted. Running a statement of this store again changes nothing that its first run did: it is
   * a read, a claim that its key decides, or a compare-and-set on the fencing token. But an attempt
   * may have committed and lost only its answer (the primary crashed after its commit reached the
   * synchronous standby): each retry runs {@code again}, which finds what such an attempt was
   * granted as its own. Once the primary has been away for longer than a failover takes, requests
   * fail at once ({@link Outage}).
   */
  private <T> T inSession(
      String action, Function<PromptMapper, T> first, Function<PromptMapper, T> again) {
    long deadline =
        System.nanoTime() + (outage.admit(action) ? settings.failoverWait().toNanos() : 0);
    long pauseMillis = FIRST_RETRY_PAUSE_MILLIS;
    Function<PromptMapper, T> work = first;
    while (true) {
      try {
        T result = once(action, work);
        outage.primaryBack();
        return result;
      } catch (StoreUnavailableException e) {
        if (!StoreFailures.primaryAway(e)) {
          throw e;
        }
        outage.primaryAway();
        if (System.nanoTime() + pauseMillis * 1_000_000 - deadline > 0) {
          throw e;
        }
        try {
          Thread.sleep(pauseMillis);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        pauseMillis = Math.min(2 * pauseMillis, MAX_RETRY_PAUSE_MILLIS);
        work = again;
      }
    }
  }

  /**
   * One autocommitted statement on a direct connection; through a pooler in transaction mode, a
   * transaction that sets its own timeouts first, so that nothing outlives it on the server
   * connection the pooler lent.
   */
  private <T> T once(String action, Function<PromptMapper, T> work) {
    gate.enter(action);
    try (SqlSession session = sessions.openSession(!pooled)) {
      if (!pooled) {
        return work.apply(session.getMapper(PromptMapper.class));
      }
      try (Statement timeouts = session.getConnection().createStatement()) {
        timeouts.execute(setLocalTimeouts);
      }
      T result = work.apply(session.getMapper(PromptMapper.class));
      session.commit(true);
      return result;
    } catch (SQLException e) {
      throw StoreFailures.translate(action, e);
    } catch (RuntimeException e) {
      throw StoreFailures.translate(action, e);
    } finally {
      gate.leave(); // after the session closed: its connection is back in the pool
    }
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
