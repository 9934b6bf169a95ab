package dev.genie.persistence.legacy;

import dev.genie.persistence.ApiKey;
import dev.genie.persistence.Claim;
import dev.genie.persistence.Failure;
import dev.genie.persistence.Fence;
import dev.genie.persistence.KeyStore;
import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.PageCursor;
import dev.genie.persistence.Prompt;
import dev.genie.persistence.PromptKeyCollisionException;
import dev.genie.persistence.PromptPage;
import dev.genie.persistence.PromptStore;
import dev.genie.persistence.Result;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.ResultWatch;
import dev.genie.persistence.ResultWatchers;
import dev.genie.persistence.StoreException;
import dev.genie.persistence.StoreUnavailableException;
import dev.genie.persistence.StoredPrompt;
import dev.genie.persistence.legacy.internal.DataDirLock;
import dev.genie.persistence.legacy.internal.Database;
import dev.genie.persistence.legacy.internal.Db;
import dev.genie.persistence.legacy.internal.PromptRows;
import dev.genie.persistence.legacy.internal.ResultLifecycle;
import dev.genie.persistence.legacy.internal.SqliteKeys;
import dev.genie.persistence.legacy.internal.Work;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import java.util.function.UnaryOperator;

/**
 * The legacy store for local use without a database server: prompts, results and keys live in an
 * embedded SQLite database under {@link LegacyStoreSettings#dataDir()}, on disk rather than in the
 * heap. Every method that changes state returns only after its transaction is committed and
 * fsynced; writes are committed in groups by one writer thread, reads run on their own connections.
 * One process at a time: the store locks its directory while open. Several Genie instances need the
 * SQL store. A journal left by an earlier version is imported on the first open.
 */
public final class LegacyPromptStore implements PromptStore {
  /** The store's name in configuration and in the {@code Genie-Storage} header. */
  public static final String NAME = "legacy";

  private final Path dataDir;
  private final DataDirLock dirLock;
  private final Database database;
  private final KeyStore keys;
  private final ResultWatchers watchers = new ResultWatchers();
  private final AtomicBoolean closed = new AtomicBoolean();

  private LegacyPromptStore(Path dataDir, DataDirLock dirLock, Database database) {
    this.dataDir = dataDir;
    this.dirLock = dirLock;
    this.database = database;
    this.keys = new SqliteKeys(database);
  }

  /**
   * Opens the store in {@code settings.dataDir()}, creating the directory and the database if
   * missing, and imports the journal an earlier version left there.
   *
   * @throws StoreException when the directory cannot be used, another process has it open, the
   *     database is damaged ({@link CorruptStoreException}) or newer than this build, or the
   *     journal to import is damaged other than in its last record ({@link
   *     CorruptJournalException})
   */
  public static LegacyPromptStore open(LegacyStoreSettings settings) {
    return open(settings, count -> {});
  }

  /** {@link #open(LegacyStoreSettings)}, calling {@code afterImportRecord} as a journal imports. */
  static LegacyPromptStore open(LegacyStoreSettings settings, LongConsumer afterImportRecord) {
    Path dir = settings.dataDir();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StoreException(
          "cannot create the legacy store directory "
              + dir
              + ": "
              + e
              + "; set LegacyStoreSettings.dataDir"
              + " to a writable directory",
          e);
    }
    DataDirLock dirLock = DataDirLock.acquire(dir);
    try {
      return new LegacyPromptStore(dir, dirLock, Database.open(dir, afterImportRecord));
    } catch (RuntimeException | Error e) {
      dirLock.close();
      throw e;
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Claim claim(NewPrompt text, LeaseTerms terms) {
    ensureOpen();
    // A stored prompt is answered by a reader, without queueing behind the writes.
    Optional<StoredPrompt> stored = read(db -> PromptRows.byKey(db, text.key()));
    if (stored.isPresent()) {
      return existing(text, stored.get());
    }
    Claim claim =
        write(
            db -> {
              Optional<StoredPrompt> now = PromptRows.byKey(db, text.key());
              if (now.isPresent()) {
                return existing(text, now.get());
              }
              var created = ResultLifecycle.created(text, terms);
              PromptRows.insert(db, created.prompt(), created.result());
              return Claim.granted(new StoredPrompt(created.prompt(), created.result()), true);
            });
    watchers.signal(claim.state().result().id());
    return claim;
  }

  private static Claim existing(NewPrompt text, StoredPrompt stored) {
    Prompt prompt = stored.prompt();
    if (!prompt.normalizedText().equals(text.normalizedText())
        || !prompt.profileId().equals(text.profileId())
        || !prompt.namespace().equals(text.namespace())) {
      throw new PromptKeyCollisionException(text.key());
    }
    return Claim.existing(stored);
  }

  @Override
  public Optional<Claim> takeOver(Fence observed, LeaseTerms terms) {
    Optional<Claim> claim =
        write(
            db -> {
              Optional<StoredPrompt> state =
                  current(db, observed).filter(s -> s.result().canBeTakenOver(terms));
              return state.isEmpty()
                  ? Optional.<Claim>empty()
                  : Optional.of(takeOverNow(db, state.get(), terms));
            });
    claim.ifPresent(c -> watchers.signal(c.state().result().id()));
    return claim;
  }

  @Override
  public List<Claim> takeOverExpired(LeaseTerms terms, int limit) {
    List<Claim> claims =
        write(
            db -> {
              List<StoredPrompt> expired = PromptRows.expiredLeases(db, terms.now(), limit);
              List<Claim> taken = new ArrayList<>(expired.size());
              for (StoredPrompt state : expired) {
                taken.add(takeOverNow(db, state, terms));
              }
              return taken;
            });
    claims.forEach(c -> watchers.signal(c.state().result().id()));
    return claims;
  }

  @Override
  public boolean renew(Fence fence, LeaseTerms terms) {
    return change(fence, r -> ResultLifecycle.renewed(r, terms).result()).isPresent();
  }

  @Override
  public Optional<Result> complete(Fence fence, String envelopeJson, Instant now) {
    Objects.requireNonNull(envelopeJson, "envelopeJson");
    return change(fence, r -> ResultLifecycle.completed(r, envelopeJson, now).result());
  }

  @Override
  public Optional<Result> fail(Fence fence, Failure failure, Instant now) {
    return change(fence, r -> ResultLifecycle.failed(r, failure, now).result());
  }

  @Override
  public boolean release(Fence fence, Instant now) {
    return change(fence, r -> ResultLifecycle.released(r, now).result()).isPresent();
  }

  /** Writes {@code step} of the pending result that {@code fence} holds; empty for a stale one. */
  private Optional<Result> change(Fence fence, UnaryOperator<Result> step) {
    Optional<Result> changed =
        write(
            db -> {
              Optional<Result> pending =
                  current(db, fence)
                      .map(StoredPrompt::result)
                      .filter(r -> r.status() == ResultStatus.PENDING);
              if (pending.isEmpty()) {
                return Optional.<Result>empty();
              }
              Result next = step.apply(pending.get());
              PromptRows.update(db, next);
              return Optional.of(next);
            });
    changed.ifPresent(r -> watchers.signal(r.id()));
    return changed;
  }

  private static Claim takeOverNow(Db db, StoredPrompt state, LeaseTerms terms)
      throws SQLException {
    Result taken = ResultLifecycle.takenOver(state.result(), terms).result();
    PromptRows.update(db, taken);
    return Claim.granted(new StoredPrompt(state.prompt(), taken), false);
  }

  private static Optional<StoredPrompt> current(Db db, Fence fence) throws SQLException {
    return PromptRows.byResultId(db, fence.resultId())
        .filter(state -> state.result().fencingToken() == fence.token());
  }

  @Override
  public Optional<StoredPrompt> find(String promptId) {
    return read(db -> PromptRows.byPromptId(db, promptId));
  }

  @Override
  public Optional<StoredPrompt> findByKey(String promptKey) {
    return read(db -> PromptRows.byKey(db, promptKey));
  }

  @Override
  public PromptPage list(int limit, Optional<PageCursor> after) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
    Objects.requireNonNull(after, "after");
    return read(db -> PromptRows.page(db, null, limit, after));
  }

  @Override
  public PromptPage list(String namespace, int limit, Optional<PageCursor> after) {
    ApiKey.requireName("namespace", namespace);
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
    Objects.requireNonNull(after, "after");
    return read(db -> PromptRows.page(db, namespace, limit, after));
  }

  @Override
  public Optional<KeyStore> keys() {
    return Optional.of(keys);
  }

  @Override
  public ResultWatch watch(String resultId, Runnable onChange) {
    ensureOpen();
    return watchers.open(resultId, onChange);
  }

  /** O(1) whatever the size: the lock, the file, the writer thread, and one read of the header. */
  @Override
  public void ping(Duration timeout) {
    if (closed.get()) {
      throw new StoreUnavailableException(closedMessage());
    }
    if (!dirLock.isValid()) {
      throw new StoreUnavailableException(
          "the legacy store lost the lock on " + dataDir + "; restart Genie");
    }
    if (!Files.isWritable(database.file())) {
      throw new StoreUnavailableException(
          "the database " + database.file() + " is gone or no longer writable; restart Genie");
    }
    if (!database.writer().isRunning()) {
      throw new StoreUnavailableException(
          "the legacy store's writer on " + database.file() + " has stopped; restart Genie");
    }
    try {
      database.readers().read(db -> db.queryLong("PRAGMA user_version"), timeout);
    } catch (StoreUnavailableException e) {
      throw e;
    } catch (StoreException e) {
      throw new StoreUnavailableException(e.getMessage(), e);
    }
  }

  /** The store, its directory and how many prompts it holds, read in O(log n). */
  @Override
  public Map<String, Object> describe() {
    Map<String, Object> description = new LinkedHashMap<>();
    description.put("store", NAME);
    description.put("dataDir", dataDir.toString());
    description.put("prompts", (int) Math.min(Integer.MAX_VALUE, read(PromptRows::count)));
    return Collections.unmodifiableMap(description);
  }

  /**
   * Commits what was queued, closes the database and releases the directory; later calls throw
   * {@link StoreException}.
   */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    try {
      database.close();
    } finally {
      dirLock.close();
    }
    // Waiters wake, read again and learn that the store is closed.
    watchers.signalAll();
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new StoreException(closedMessage());
    }
  }

  private <T> T read(Work<T> work) {
    ensureOpen();
    return database.readers().read(work);
  }

  private <T> T write(Work<T> work) {
    ensureOpen();
    return database.writer().submit(work);
  }

  private String closedMessage() {
    return "the legacy store on " + dataDir + " is closed";
  }
}
