package dev.genie.http.internal;

import dev.genie.persistence.ApiKey;
import dev.genie.persistence.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys this instance accepted or refused lately, so that most requests cost no query. An entry
 * is trusted for {@link #TTL} only: a key revoked on any instance stops working here within that
 * time.
 */
public final class KeyCache {
  /** How long a key's state is trusted: the bound on how long a revoked key keeps working. */
  public static final Duration TTL = Duration.ofSeconds(2);

  /** How often the store learns that a key was used: last-used is for people, not for races. */
  private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

  /** Bounds memory against callers who send many different unknown keys. */
  private static final int MAX_ENTRIES = 10_000;

  private record Entry(Optional<ApiKey> key, long expiresNanos) {}

  private final KeyStore store;
  private final Clock clock;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Map<String, Long> touched = new ConcurrentHashMap<>();

  public KeyCache(KeyStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** The live key whose hash this is; empty for an unknown or revoked key. */
  public Optional<ApiKey> find(byte[] keyHash) {
    String id = HexFormat.of().formatHex(keyHash);
    long now = System.nanoTime();
    Entry entry = entries.get(id);
    if (entry == null || now - entry.expiresNanos() >= 0) {
      if (entries.size() >= MAX_ENTRIES) {
        entries.clear();
      }
      entry = new Entry(store.findByHash(keyHash), now + TTL.toNanos());
      entries.put(id, entry);
    }
    Optional<ApiKey> live = entry.key().filter(key -> !key.revoked());
    live.ifPresent(key -> touch(key, now));
    return live;
  }

  private void touch(ApiKey key, long now) {
    Long last = touched.get(key.name());
    if (last == null || now - last >= TOUCH_EVERY.toNanos()) {
      touched.put(key.name(), now);
      store.touch(key.name(), clock.instant());
    }
  }
}
