package dev.genie.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every store's {@link KeyStore} must do. Subclass it once per store that keeps keys; each
 * test gets a fresh, empty store from {@link #openStore()}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class KeyStoreContract {
  private static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456Z");
  private static final LocalDate DAY = LocalDate.parse("2026-03-01");

  protected PromptStore store;

  /** A new, empty store. */
  protected abstract PromptStore openStore() throws Exception;

  /** The same data opened again, as after a restart; the current store is closed first. */
  protected abstract PromptStore reopenStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = openStore();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  private KeyStore keys() {
    return store.keys().orElseThrow(() -> new AssertionError(store.name() + " keeps no keys"));
  }

  @Test
  void aKeyIsFoundByItsHashOnlyAndListedWithoutIt() {
    ApiKey alice = key("alice", "team-a", 5, 1000, true);
    keys().create(alice, hash(1));
    keys().create(key("bob", ApiKey.DEFAULT_NAMESPACE, 0, 0, false), hash(2));

    assertThat(keys().findByHash(hash(1))).contains(alice);
    assertThat(keys().findByHash(hash(3))).isEmpty();
    assertThat(keys().list()).extracting(ApiKey::name).containsExactly("alice", "bob");
    assertThat(keys().list().get(0)).isEqualTo(alice);
  }

  @Test
  void aNameIsUniqueAlsoAfterRevocation() {
    keys().create(key("alice", "default", 0, 0, false), hash(1));
    assertThatThrownBy(() -> keys().create(key("alice", "other", 0, 0, false), hash(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alice");

    assertThat(keys().revoke("alice", T0.plusSeconds(1))).isTrue();

    assertThatThrownBy(() -> keys().create(key("alice", "default", 0, 0, false), hash(3)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(keys().findByHash(hash(2))).isEmpty();
  }

  @Test
  void aRevokedKeyIsStillFoundButMarkedRevokedAndRevokesOnce() {
    keys().create(key("leaving", "default", 0, 0, false), hash(1));

    assertThat(keys().revoke("leaving", T0.plusSeconds(5))).isTrue();
    assertThat(keys().revoke("leaving", T0.plusSeconds(6))).isFalse();
    assertThat(keys().revoke("nobody", T0.plusSeconds(6))).isFalse();

    ApiKey found = keys().findByHash(hash(1)).orElseThrow();
    assertThat(found.revoked()).isTrue();
    assertThat(found.revokedAt()).isEqualTo(T0.plusSeconds(5));
  }

  @Test
  void aTouchRecordsTheLastUse() {
    keys().create(key("alice", "default", 0, 0, false), hash(1));
    assertThat(keys().findByHash(hash(1)).orElseThrow().lastUsed()).isEmpty();

    keys().touch("alice", T0.plusSeconds(60));
    keys().touch("alice", T0.plusSeconds(120));

    assertThat(keys().findByHash(hash(1)).orElseThrow().lastUsed()).contains(T0.plusSeconds(120));
  }

  @Test
  void spendingAddsUpPerKeyAndUtcDay() {
    keys().create(key("alice", "default", 0, 100, false), hash(1));
    keys().create(key("bob", "default", 0, 100, false), hash(2));

    keys().charge("alice", DAY, 15);
    keys().charge("alice", DAY, 30);
    keys().charge("alice", DAY.plusDays(1), 7);
    keys().charge("bob", DAY, 1);

    assertThat(keys().spent("alice", DAY)).isEqualTo(45);
    assertThat(keys().spent("alice", DAY.plusDays(1))).isEqualTo(7);
    assertThat(keys().spent("alice", DAY.minusDays(1))).isZero();
    assertThat(keys().spent("bob", DAY)).isEqualTo(1);
    assertThat(keys().spent("nobody", DAY)).isZero();
  }

  @Test
  void keysUsesRevocationsAndSpendingSurviveAReopen() throws Exception {
    ApiKey alice = key("alice", "team-a", 3, 500, false);
    keys().create(alice, hash(1));
    keys().create(key("bob", "default", 0, 0, false), hash(2));
    keys().touch("alice", T0.plusSeconds(60));
    keys().revoke("bob", T0.plusSeconds(90));
    keys().charge("alice", DAY, 120);

    store.close();
    store = reopenStore();

    ApiKey found = keys().findByHash(hash(1)).orElseThrow();
    assertThat(found.namespace()).isEqualTo("team-a");
    assertThat(found.ratePerSecond()).isEqualTo(3);
    assertThat(found.dailyTokens()).isEqualTo(500);
    assertThat(found.createdAt()).isEqualTo(T0);
    assertThat(found.lastUsed()).contains(T0.plusSeconds(60));
    assertThat(keys().findByHash(hash(2)).orElseThrow().revokedAt()).isEqualTo(T0.plusSeconds(90));
    assertThat(keys().spent("alice", DAY)).isEqualTo(120);
    keys().charge("alice", DAY, 5);
    assertThat(keys().spent("alice", DAY)).isEqualTo(125);
  }

  @Test
  void aReservationIsGrantedOnlyWhileItFitsWithinTheLimit() {
    keys().create(key("alice", "default", 0, 100, false), hash(1));
    keys().charge("alice", DAY, 30);

    assertThat(keys().reserve("alice", DAY, 70, 100)).isTrue();
    assertThat(keys().spent("alice", DAY)).isEqualTo(100);
    assertThat(keys().reserve("alice", DAY, 1, 100)).isFalse();
    assertThat(keys().spent("alice", DAY)).as("a refusal changes nothing").isEqualTo(100);
    assertThat(keys().reserve("alice", DAY.plusDays(1), 101, 100)).isFalse();
    assertThat(keys().spent("alice", DAY.plusDays(1))).isZero();
    assertThat(keys().reserve("alice", DAY.plusDays(1), 100, 100)).isTrue();
    assertThat(keys().reserve("nobody", DAY, 1, 100)).isFalse();
  }

  @Test
  void settlingGivesBackWhatAReservationDidNotUseOrChargesWhatItUsedBeyond() throws Exception {
    keys().create(key("alice", "default", 0, 100, false), hash(1));
    assertThat(keys().reserve("alice", DAY, 80, 100)).isTrue();

    keys().settle("alice", DAY, 80, 25);
    assertThat(keys().spent("alice", DAY)).isEqualTo(25);
    assertThat(keys().reserve("alice", DAY, 75, 100)).isTrue();
    keys().settle("alice", DAY, 75, 90);
    assertThat(keys().spent("alice", DAY)).isEqualTo(115);

    store.close();
    store = reopenStore();
    assertThat(keys().spent("alice", DAY)).isEqualTo(115);
  }

  @Test
  void parallelReservationsNeverTakeAKeyPastItsLimit() throws Exception {
    keys().create(key("alice", "default", 0, 1_000, false), hash(1));
    int callers = 50;
    CyclicBarrier barrier = new CyclicBarrier(callers);
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<Boolean>> granted = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        granted.add(
            pool.submit(
                () -> {
                  barrier.await(30, TimeUnit.SECONDS);
                  return keys().reserve("alice", DAY, 100, 1_000);
                }));
      }
      int count = 0;
      for (Future<Boolean> each : granted) {
        count += each.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(count).isEqualTo(10);
      assertThat(keys().spent("alice", DAY)).isEqualTo(1_000);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theKeyThatStartedAGenerationIsRecordedPerPromptAndSurvivesAReopen() throws Exception {
    keys().create(key("alice", "default", 0, 100, false), hash(1));
    keys().create(key("bob", "default", 0, 100, false), hash(2));
    Claim claim =
        store.claim(
            new NewPrompt(
                PromptKey.of(PromptKey.SAMPLE_PROFILE_ID, "a poem"), "a poem", "a poem", 1),
            new LeaseTerms("owner", T0, java.time.Duration.ofMinutes(1), 3));
    String promptId = claim.state().prompt().id();

    assertThat(keys().generationKey(promptId)).isEmpty();
    keys().recordGenerationKey(promptId, "alice");
    assertThat(keys().generationKey(promptId)).contains("alice");
    keys().recordGenerationKey(promptId, "bob");

    store.close();
    store = reopenStore();
    assertThat(keys().generationKey(promptId)).contains("bob");
  }

  private static ApiKey key(
      String name, String namespace, int rate, long dailyTokens, boolean admin) {
    return new ApiKey(name, namespace, rate, dailyTokens, admin, T0, null, null);
  }

  /** A distinct 32-byte hash per seed, as SHA-256 would give. */
  private static byte[] hash(int seed) {
    byte[] hash = new byte[32];
    Arrays.fill(hash, (byte) seed);
    return hash;
  }
}
