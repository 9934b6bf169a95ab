package dev.genie.http.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.core.CoreErrorCode;
import dev.genie.core.GenieException;
import dev.genie.persistence.ApiKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Invented keys cost no store read per request: a counting key store, and time that moves only when
 * the test moves it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KeyCacheTest {
  private static final Instant NOW = Instant.parse("2026-12-08T00:00:00Z");

  private final CountingKeys keys = new CountingKeys();
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final KeyCache cache = new KeyCache(keys, Clock.fixed(NOW, ZoneOffset.UTC), nanos::get);
  private final String known = keys.add("app");

  @Test
  void fiveThousandInventedKeysCostABoundedNumberOfReads() {
    int refused = 0;
    int overloaded = 0;
    for (int i = 0; i < 5_000; i++) {
      try {
        assertThat(cache.find(ApiKeys.hash(ApiKeys.generate()))).isEmpty();
        refused++;
      } catch (GenieException e) {
        assertThat(e.code()).isEqualTo(CoreErrorCode.OVERLOADED);
        overloaded++;
      }
    }

    assertThat(keys.reads).hasValue(KeyCache.UNKNOWN_LOOKUPS_PER_SECOND);
    assertThat(refused).isEqualTo(KeyCache.UNKNOWN_LOOKUPS_PER_SECOND);
    assertThat(overloaded).isEqualTo(5_000 - KeyCache.UNKNOWN_LOOKUPS_PER_SECOND);
  }

  @Test
  void aKnownKeyIsServedDuringTheFloodAndRefreshedAfterItsTtl() {
    assertThat(cache.find(ApiKeys.hash(known))).isPresent();
    for (int i = 0; i < 1_000; i++) {
      try {
        cache.find(ApiKeys.hash(ApiKeys.generate()));
      } catch (GenieException e) {
        // the flood is refused
      }
    }
    nanos.addAndGet(KeyCache.TTL.toNanos());
    int before = keys.reads.get();

    assertThat(cache.find(ApiKeys.hash(known))).isPresent();
    assertThat(keys.reads.get() - before).as("the known key refreshed, past the bound").isOne();
  }

  @Test
  void theSameUnknownKeyIsReadOncePerTtlAndANewKeyIsFoundAfterARetry() {
    String invented = ApiKeys.generate();
    for (int i = 0; i < 100; i++) {
      assertThat(cache.find(ApiKeys.hash(invented))).isEmpty();
    }
    assertThat(keys.reads).hasValue(1);

    for (int i = 0; i < 100; i++) {
      try {
        cache.find(ApiKeys.hash(ApiKeys.generate()));
      } catch (GenieException e) {
        // past the bound
      }
    }
    String created = keys.add("new");
    assertThatThrownBy(() -> cache.find(ApiKeys.hash(created)))
        .isInstanceOfSatisfying(
            GenieException.class, e -> assertThat(e.code()).isEqualTo(CoreErrorCode.OVERLOADED));
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertThat(cache.find(ApiKeys.hash(created))).isPresent();
  }

  /** Keys by hash in memory, counting {@code findByHash}; refuses what the cache must not ask. */
  private static final class CountingKeys extends RefusingKeyStore {
    final AtomicInteger reads = new AtomicInteger();
    private final Map<String, ApiKey> byHash = new HashMap<>();

    String add(String name) {
      String secret = ApiKeys.generate();
      byHash.put(
          HexFormat.of().formatHex(ApiKeys.hash(secret)),
          new ApiKey(name, "default", 0, 0, false, NOW, null, null));
      return secret;
    }

    @Override
    public Optional<ApiKey> findByHash(byte[] keyHash) {
      reads.incrementAndGet();
      return Optional.ofNullable(byHash.get(HexFormat.of().formatHex(keyHash)));
    }

    @Override
    public void touch(String name, Instant now) {}
  }
}
