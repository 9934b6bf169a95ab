package dev.genie.http.internal.auth;

import dev.genie.core.CoreErrorCode;
import dev.genie.core.GenieException;
import dev.genie.persistence.ApiKey;
import dev.genie.persistence.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The keys this instance accepted or refused lately, so that most requests cost no query. An entry
 * is trusted for {@link #TTL} only: a key revoked on any instance stops working here within that
 * time.
 *
 * <p>Invented keys are each new, so a cache of refusals alone would still let every one cost a
 * read. Two bounds keep them cheap: refused hashes are remembered (the last {@link #MAX_UNKNOWN}),
 * and a hash this instance has never found may be looked up at most {@link
 * #UNKNOWN_LOOKUPS_PER_SECOND} times a second across all callers; past that it is answered 503
 * {@code OVERLOADED} without a query, which a real new key's client retries. Keys once found are
 * refreshed without that bound, so a flood of invented keys never locks out a known one.
 *
 * <p>All state is under one lock; the store is asked outside it.
 */
public final class KeyCache {
  /** How long a key's state is trusted: the bound on how long a revoked key keeps working. */
  public static final Duration TTL = Duration.ofSeconds(2);

  /** Store look-ups a second, per instance, for hashes this instance has never found. */
  public static final int UNKNOWN_LOOKUPS_PER_SECOND = 20;

  /** How often the store learns that a key was used: last-used is for people, not for races. */
  private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

  /** Bounds the memory of refusals against callers who send many different unknown keys. */
  static final int MAX_UNKNOWN = 10_000;

  private record Entry(Optional<ApiKey> key, long expiresNanos) {}

  private final KeyStore store;
  private final Clock clock;
  private final LongSupplier nanoTime;

  /** Hashes found in the store (live or revoked): as many as the store has keys. */
  private final Map<String, Entry> found = new HashMap<>();

  /** Hashes the store did not have: the most recent {@link #MAX_UNKNOWN}, oldest dropped. */
  private final Map<String, Long> unknown =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > MAX_UNKNOWN;
        }
      };

  private final Map<String, Long> touched = new HashMap<>();
  private double lookupTokens = UNKNOWN_LOOKUPS_PER_SECOND;
  private long refilledNanos;

  public KeyCache(KeyStore store, Clock clock) {
    this(store, clock, System::nanoTime);
  }

  /**
   * @param nanoTime the monotonic time that entries expire and look-ups refill by
   */
  KeyCache(KeyStore store, Clock clock, LongSupplier nanoTime) {
    this.store = store;
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.refilledNanos = nanoTime.getAsLong();
  }

  /**
   * The live key whose hash this is; empty for an unknown or revoked key.
   *
   * @throws GenieException {@code OVERLOADED} when a hash never found here would need a look-up
   *     beyond {@link #UNKNOWN_LOOKUPS_PER_SECOND}
   */
  public Optional<ApiKey> find(byte[] keyHash) {
    String id = HexFormat.of().formatHex(keyHash);
    long now = nanoTime.getAsLong();
    Optional<ApiKey> live = cached(id, now);
    if (live == null) {
      live = lookUp(id, keyHash, now);
    }
    live.filter(key -> dueForTouch(key, now))
        .ifPresent(key -> store.touch(key.name(), clock.instant()));
    return live;
  }

  /** The live key from memory, or null when the store must be asked. */
  private synchronized Optional<ApiKey> cached(String id, long now) {
    Entry entry = found.get(id);
    if (entry != null && now - entry.expiresNanos() < 0) {
      return live(entry);
    }
    Long refusedUntil = unknown.get(id);
    if (refusedUntil != null && now - refusedUntil < 0) {
      return Optional.empty();
    }
    if (entry == null && !takeLookup(now)) {
      throw new GenieException(
          CoreErrorCode.OVERLOADED,
          "too many unknown keys are being tried; a key created just now is accepted after a"
              + " retry");
    }
    return null;
  }

  private Optional<ApiKey> lookUp(String id, byte[] keyHash, long now) {
    Optional<ApiKey> key = store.findByHash(keyHash);
    long expires = now + TTL.toNanos();
    synchronized (this) {
      if (key.isPresent()) {
        unknown.remove(id);
        Entry entry = new Entry(key, expires);
        found.put(id, entry);
        return live(entry);
      }
      found.remove(id);
      unknown.put(id, expires);
      return Optional.empty();
    }
  }

  private static Optional<ApiKey> live(Entry entry) {
    return entry.key().filter(key -> !key.revoked());
  }

  /** Under the lock: a token bucket of {@link #UNKNOWN_LOOKUPS_PER_SECOND}. */
  private boolean takeLookup(long now) {
    double refill = (now - refilledNanos) * UNKNOWN_LOOKUPS_PER_SECOND / 1e9;
    refilledNanos = now;
    lookupTokens = Math.min(UNKNOWN_LOOKUPS_PER_SECOND, lookupTokens + Math.max(0, refill));
    if (lookupTokens < 1) {
      return false;
    }
    lookupTokens -= 1;
    return true;
  }

  /** Whether the store should now learn that {@code key} was used: once a minute at most. */
  private synchronized boolean dueForTouch(ApiKey key, long now) {
    Long last = touched.get(key.name());
    if (last == null || now - last >= TOUCH_EVERY.toNanos()) {
      touched.put(key.name(), now);
      return true;
    }
    return false;
  }
}
