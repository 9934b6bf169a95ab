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
import dev.genie.persistence.legacy.internal.Journal;
import dev.genie.persistence.legacy.internal.JournalRecord;
import dev.genie.persistence.legacy.internal.JournalRecord.GenerationKeyRecorded;
import dev.genie.persistence.legacy.internal.JournalRecord.KeyCreated;
import dev.genie.persistence.legacy.internal.JournalRecord.KeyRecord;
import dev.genie.persistence.legacy.internal.JournalRecord.KeyRevoked;
import dev.genie.persistence.legacy.internal.JournalRecord.KeyUsed;
import dev.genie.persistence.legacy.internal.JournalRecord.PromptCreated;
import dev.genie.persistence.legacy.internal.JournalRecord.ResultRecord;
import dev.genie.persistence.legacy.internal.JournalRecord.TokensCharged;
import dev.genie.persistence.legacy.internal.KeyIndex;
import dev.genie.persistence.legacy.internal.PromptIndex;
import dev.genie.persistence.legacy.internal.ResultLifecycle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The legacy store for local use without a database: prompts and results live in memory and in an
 * append-only journal under {@link LegacyStoreSettings#dataDir()}, fsynced before every method that
 * changes state returns. One process at a time: the store locks its directory while open. Several
 * Genie instances need the SQL store.
 */
public final class LegacyPromptStore implements PromptStore {
  /** The store's name in configuration and in the {@code Genie-Storage} header. */
  public static final String NAME = "legacy";

  private static final String JOURNAL_FILE = "genie.journal";

  private final Path dataDir;
  private final DataDirLock dirLock;
  private final Journal journal;
  private final PromptIndex index;
  private final KeyIndex keyIndex;
  private final KeyStore keys = new Keys();
  private final ResultWatchers watchers = new ResultWatchers();
  // One lock around decide, append and apply: the journal's order is the order of decisions, and
  // nobody reads a change before it is durable.
  private final ReentrantLock lock = new ReentrantLock();
  private boolean closed;

  private LegacyPromptStore(
      Path dataDir, DataDirLock dirLock, Journal journal, PromptIndex index, KeyIndex keyIndex) {
    this.dataDir = dataDir;
    this.dirLock = dirLock;
    this.journal = journal;
    this.index = index;
    this.keyIndex = keyIndex;
  }

  /**
   * Opens the store in {@code settings.dataDir()}, creating the directory if missing, and replays
   * its journal.
   *
   * @throws StoreException when the directory cannot be used, another process has it open, or the
   *     journal is damaged other than in its last record ({@link CorruptJournalException})
   */
  public static LegacyPromptStore open(LegacyStoreSettings settings) {
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
      PromptIndex index = new PromptIndex();
      KeyIndex keyIndex = new KeyIndex();
      Journal journal =
          Journal.open(
              dir.resolve(JOURNAL_FILE),
              record -> {
                if (record instanceof ResultRecord change) {
                  index.apply(change);
                } else if (record instanceof KeyRecord change) {
                  keyIndex.apply(change);
                }
              });
      index.endLeases(); // their holder was an earlier process: a sweep resumes their results
      return new LegacyPromptStore(dir, dirLock, journal, index, keyIndex);
    } catch (RuntimeException e) {
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
    return locked(
        () -> {
          Optional<Prompt> existing = index.byKey(text.key());
          if (existing.isPresent()) {
            if (!existing.get().normalizedText().equals(text.normalizedText())
                || !existing.get().profileId().equals(text.profileId())
                || !existing.get().namespace().equals(text.namespace())) {
              throw new PromptKeyCollisionException(text.key());
            }
            return Claim.existing(index.byPromptId(existing.get().id()).orElseThrow());
          }
          PromptCreated created = ResultLifecycle.created(text, terms);
          commit(created);
          return Claim.granted(new StoredPrompt(created.prompt(), created.result()), true);
        });
  }

  @Override
  public Optional<Claim> takeOver(Fence observed, LeaseTerms terms) {
    return locked(
        () ->
            current(observed)
                .filter(state -> state.result().canBeTakenOver(terms))
                .map(state -> takeOverNow(state, terms)));
  }

  @Override
  public List<Claim> takeOverExpired(LeaseTerms terms, int limit) {
    return locked(
        () ->
            index.expiredLeases(terms.now(), limit).stream()
                .map(state -> takeOverNow(state, terms))
                .toList());
  }

  @Override
  public boolean renew(Fence fence, LeaseTerms terms) {
    return locked(
        () -> pending(fence).map(r -> commit(ResultLifecycle.renewed(r, terms))).isPresent());
  }

  @Override
  public Optional<Result> complete(Fence fence, String envelopeJson, Instant now) {
    Objects.requireNonNull(envelopeJson, "envelopeJson");
    return locked(
        () -> pending(fence).map(r -> commit(ResultLifecycle.completed(r, envelopeJson, now))));
  }

  @Override
  public Optional<Result> fail(Fence fence, Failure failure, Instant now) {
    return locked(() -> pending(fence).map(r -> commit(ResultLifecycle.failed(r, failure, now))));
  }

  @Override
  public boolean release(Fence fence, Instant now) {
    return locked(
        () -> pending(fence).map(r -> commit(ResultLifecycle.released(r, now))).isPresent());
  }

  @Override
  public Optional<StoredPrompt> find(String promptId) {
    return locked(() -> index.byPromptId(promptId));
  }

  @Override
  public Optional<StoredPrompt> findByKey(String promptKey) {
    return locked(() -> index.byKey(promptKey).flatMap(prompt -> index.byPromptId(prompt.id())));
  }

  @Override
  public PromptPage list(int limit, Optional<PageCursor> after) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
    Objects.requireNonNull(after, "after");
    return locked(() -> index.page(limit, after));
  }

  @Override
  public PromptPage list(String namespace, int limit, Optional<PageCursor> after) {
    ApiKey.requireName("namespace", namespace);
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
    Objects.requireNonNull(after, "after");
    return locked(() -> index.page(namespace, limit, after));
  }

  @Override
  public Optional<KeyStore> keys() {
    return Optional.of(keys);
  }

  @Override
  public ResultWatch watch(String resultId, Runnable onChange) {
    return locked(() -> watchers.open(resultId, onChange));
  }

  @Override
  public void ping(Duration timeout) {
    try {
      if (!lock.tryLock(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS)) {
        throw new StoreUnavailableException(
            "the legacy store on " + dataDir + " did not answer within " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted while pinging the legacy store", e);
    }
    try {
      if (closed) {
        throw new StoreUnavailableException(closedMessage());
      }
      if (!dirLock.isValid()) {
        throw new StoreUnavailableException(
            "the legacy store lost the lock on " + dataDir + "; restart Genie");
      }
      journal.check();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Map<String, Object> describe() {
    lock.lock();
    try {
      Map<String, Object> description = new LinkedHashMap<>();
      description.put("store", NAME);
      description.put("dataDir", dataDir.toString());
      description.put("prompts", index.size());
      return Collections.unmodifiableMap(description);
    } finally {
      lock.unlock();
    }
  }

  /** Closes the journal and releases the directory; later calls throw {@link StoreException}. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try {
        journal.close();
      } finally {
        dirLock.close();
      }
    } finally {
      lock.unlock();
    }
    // Waiters wake, read again and learn that the store is closed.
    watchers.signalAll();
  }

  private <T> T locked(Supplier<T> action) {
    lock.lock();
    try {
      if (closed) {
        throw new StoreException(closedMessage());
      }
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  private String closedMessage() {
    return "the legacy store on " + dataDir + " is closed";
  }

  /** Makes {@code change} durable, then visible. */
  private void commit(KeyRecord change) {
    journal.append(change);
    keyIndex.apply(change);
  }

  /** Makes {@code change} durable, then visible. */
  private Result commit(ResultRecord change) {
    journal.append(change);
    index.apply(change);
    watchers.signal(change.resultId());
    return index.byResultId(change.resultId()).orElseThrow().result();
  }

  private Claim takeOverNow(StoredPrompt state, LeaseTerms terms) {
    JournalRecord.ResultChanged taken = ResultLifecycle.takenOver(state.result(), terms);
    commit(taken);
    return Claim.granted(new StoredPrompt(state.prompt(), taken.result()), false);
  }

  private Optional<StoredPrompt> current(Fence fence) {
    return index
        .byResultId(fence.resultId())
        .filter(state -> state.result().fencingToken() == fence.token());
  }

  private Optional<Result> pending(Fence fence) {
    return current(fence).map(StoredPrompt::result).filter(r -> r.status() == ResultStatus.PENDING);
  }

  /**
   * The keys in the same journal, under the same lock. Uses are journaled as they come, which the
   * callers already thin out to about once a minute per key; spending is journaled per charge, one
   * record per generation, so a restart neither forgets a key's use nor resets its budget.
   */
  private final class Keys implements KeyStore {
    @Override
    public void create(ApiKey key, byte[] keyHash) {
      Objects.requireNonNull(keyHash, "keyHash");
      ApiKey created =
          new ApiKey(
              key.name(),
              key.namespace(),
              key.ratePerSecond(),
              key.dailyTokens(),
              key.admin(),
              micros(key.createdAt()),
              null,
              null);
      LegacyPromptStore.this.<Void>locked(
          () -> {
            if (keyIndex.byName(key.name()).isPresent()) {
              throw new IllegalArgumentException(
                  "a key named " + key.name() + " exists already; choose another name");
            }
            if (keyIndex.holdsHash(keyHash)) {
              throw new IllegalArgumentException(
                  "another key has the same hash; create the key again");
            }
            commit(new KeyCreated(created, keyHash));
            return null;
          });
    }

    @Override
    public Optional<ApiKey> findByHash(byte[] keyHash) {
      return locked(() -> keyIndex.byHash(keyHash));
    }

    @Override
    public List<ApiKey> list() {
      return locked(keyIndex::all);
    }

    @Override
    public boolean revoke(String name, Instant now) {
      return locked(
          () -> {
            if (keyIndex.byName(name).filter(key -> !key.revoked()).isEmpty()) {
              return false;
            }
            commit(new KeyRevoked(name, micros(now)));
            return true;
          });
    }

    @Override
    public void touch(String name, Instant now) {
      LegacyPromptStore.this.<Void>locked(
          () -> {
            if (keyIndex.byName(name).isPresent()) {
              commit(new KeyUsed(name, micros(now)));
            }
            return null;
          });
    }

    @Override
    public void charge(String name, LocalDate day, long tokens) {
      if (tokens < 0) {
        throw new IllegalArgumentException("tokens must not be negative: " + tokens);
      }
      LegacyPromptStore.this.<Void>locked(
          () -> {
            // As the SQL store: spending is kept by name, also for a key revoked meanwhile.
            if (tokens > 0 && keyIndex.byName(name).isPresent()) {
              commit(new TokensCharged(name, day, tokens));
            }
            return null;
          });
    }

    @Override
    public long spent(String name, LocalDate day) {
      return locked(() -> keyIndex.spent(name, day));
    }

    @Override
    public boolean reserve(String name, LocalDate day, long tokens, long limit) {
      if (tokens < 1) {
        throw new IllegalArgumentException("a reservation is at least 1 token: " + tokens);
      }
      // The check and the charge under the store's one lock: parallel reservations see each
      // other's sums, as the SQL store's single conditional statement does.
      return locked(
          () -> {
            if (keyIndex.byName(name).isEmpty() || keyIndex.spent(name, day) + tokens > limit) {
              return false;
            }
            commit(new TokensCharged(name, day, tokens));
            return true;
          });
    }

    @Override
    public void settle(String name, LocalDate day, long reserved, long used) {
      LegacyPromptStore.this.<Void>locked(
          () -> {
            if (used != reserved && keyIndex.byName(name).isPresent()) {
              commit(new TokensCharged(name, day, used - reserved));
            }
            return null;
          });
    }

    @Override
    public void recordGenerationKey(String promptId, String name) {
      LegacyPromptStore.this.<Void>locked(
          () -> {
            if (keyIndex.byName(name).isPresent()) {
              commit(new GenerationKeyRecorded(promptId, name));
            }
            return null;
          });
    }

    @Override
    public Optional<String> generationKey(String promptId) {
      return locked(() -> keyIndex.generationKey(promptId));
    }

    /** The precision the journal keeps, so that what is answered equals what a restart replays. */
    private static Instant micros(Instant at) {
      return at.truncatedTo(ChronoUnit.MICROS);
    }
  }
}
