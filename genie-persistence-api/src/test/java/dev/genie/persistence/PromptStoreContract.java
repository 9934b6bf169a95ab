package dev.genie.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
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
 * What every {@link PromptStore} must do. Subclass it once per store; each test gets a fresh, empty
 * store from {@link #openStore()}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class PromptStoreContract {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final String ENVELOPE = "{\"version\":1,\"pages\":[]}";

  protected PromptStore store;
  private final Instant t0 = Instant.parse("2026-03-01T10:15:30.123456Z");

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

  @Test
  void firstClaimCreatesPromptAndPendingResultAndGrantsTheLease() {
    NewPrompt text = prompt("a poem about autumn");

    Claim claim = store.claim(text, terms("owner-a", t0));

    assertThat(claim.created()).isTrue();
    assertThat(claim.lease()).isPresent();
    Prompt prompt = claim.state().prompt();
    Result result = claim.state().result();
    assertThat(prompt.key()).isEqualTo(text.key());
    assertThat(prompt.normalizedText()).isEqualTo(text.normalizedText());
    assertThat(prompt.rawText()).isEqualTo(text.rawText());
    assertThat(prompt.normalizerVersion()).isEqualTo(1);
    assertThat(prompt.createdAt()).isEqualTo(t0);
    assertThat(result.promptId()).isEqualTo(prompt.id());
    assertThat(result.status()).isEqualTo(ResultStatus.PENDING);
    assertThat(result.attempts()).isEqualTo(1);
    assertThat(result.leaseOwner()).isEqualTo("owner-a");
    assertThat(result.leaseExpiresAt()).isEqualTo(t0.plus(LEASE));
    assertThat(claim.lease()).contains(result.fence());
    assertThat(store.find(prompt.id())).contains(claim.state());
  }

  @Test
  void secondClaimReturnsTheExistingStateWithoutALease() {
    Claim first = store.claim(prompt("same"), terms("owner-a", t0));

    Claim second = store.claim(prompt("same", "  same "), terms("owner-b", t0.plusSeconds(1)));

    assertThat(second.created()).isFalse();
    assertThat(second.lease()).isEmpty();
    assertThat(second.state()).isEqualTo(first.state());
    assertThat(second.state().prompt().rawText()).isEqualTo("same");
  }

  @Test
  void aKeyStoredForAnotherTextIsRefused() {
    NewPrompt stored = prompt("one text");
    store.claim(stored, terms("owner-a", t0));

    NewPrompt impostor = new NewPrompt(stored.key(), "another text", "another text", 1);

    assertThatThrownBy(() -> store.claim(impostor, terms("owner-b", t0)))
        .isInstanceOf(PromptKeyCollisionException.class)
        .hasMessageContaining(stored.key());
  }

  @Test
  void theSameTextUnderAnotherProfileIsAnotherPromptAndKeepsItsProfile() {
    String otherJson = "{\"generator\":\"openai\",\"model\":\"m\"}";
    String otherId = PromptKey.sha256Hex(otherJson);
    Claim sample = store.claim(prompt("a poem"), terms("owner-a", t0));
    Claim other =
        store.claim(
            new NewPrompt(
                PromptKey.of(otherId, "a poem"), "a poem", "a poem", 1, otherId, otherJson),
            terms("owner-b", t0));

    assertThat(other.created()).isTrue();
    assertThat(other.state().prompt().id()).isNotEqualTo(sample.state().prompt().id());
    assertThat(store.find(other.state().prompt().id()).orElseThrow().prompt().profile())
        .isEqualTo(otherJson);
    assertThat(store.find(sample.state().prompt().id()).orElseThrow().prompt().profileId())
        .isEqualTo(PromptKey.SAMPLE_PROFILE_ID);
  }

  @Test
  void aKeyStoredForTheSameTextUnderAnotherProfileIsRefused() {
    NewPrompt stored = prompt("one text");
    store.claim(stored, terms("owner-a", t0));

    NewPrompt impostor =
        new NewPrompt(stored.key(), "one text", "one text", 1, "f".repeat(64), "{}");

    assertThatThrownBy(() -> store.claim(impostor, terms("owner-b", t0)))
        .isInstanceOf(PromptKeyCollisionException.class);
  }

  @Test
  void findByKeyReadsWhatIsStoredUnderAKeyAndClaimsNothing() {
    NewPrompt unknown = prompt("never claimed");
    assertThat(store.findByKey(unknown.key())).isEmpty();
    assertThat(store.claim(unknown, terms("owner-a", t0)).lease()).isPresent();

    Claim claim = store.claim(prompt("found by key"), terms("owner-a", t0));
    StoredPrompt pending = store.findByKey(claim.state().prompt().key()).orElseThrow();
    assertThat(pending.prompt().id()).isEqualTo(claim.state().prompt().id());
    assertThat(pending.result().status()).isEqualTo(ResultStatus.PENDING);

    store.complete(claim.lease().orElseThrow(), ENVELOPE, t0.plusSeconds(1));
    StoredPrompt completed = store.findByKey(claim.state().prompt().key()).orElseThrow();
    assertThat(completed.result().status()).isEqualTo(ResultStatus.COMPLETED);
    assertThat(completed.result().envelope()).isEqualTo(ENVELOPE);
  }

  @Test
  void completeStoresTheEnvelopeOnceForTheCurrentToken() {
    Claim claim = store.claim(prompt("complete me"), terms("owner-a", t0));
    Fence fence = claim.lease().orElseThrow();

    assertThat(store.complete(fence, ENVELOPE, t0.plusSeconds(1))).isPresent();
    assertThat(store.complete(fence, "{\"version\":1,\"other\":true}", t0.plusSeconds(2)))
        .isEmpty();

    Result result = store.find(claim.state().prompt().id()).orElseThrow().result();
    assertThat(result.status()).isEqualTo(ResultStatus.COMPLETED);
    assertThat(result.envelope()).isEqualTo(ENVELOPE);
    assertThat(result.completedAt()).isEqualTo(t0.plusSeconds(1));
    assertThat(result.leaseExpiresAt()).isNull();
  }

  @Test
  void aLiveLeaseCannotBeTakenOver() {
    Claim claim = store.claim(prompt("busy"), terms("owner-a", t0));

    Optional<Claim> takeover =
        store.takeOver(claim.state().result().fence(), terms("owner-b", t0.plusSeconds(29)));

    assertThat(takeover).isEmpty();
  }

  @Test
  void anExpiredLeaseIsTakenOverAndTheStaleOwnerIsFencedOut() {
    Claim claim = store.claim(prompt("slow"), terms("owner-a", t0));
    Fence stale = claim.lease().orElseThrow();
    Instant later = t0.plus(LEASE).plusMillis(1);

    Claim takeover = store.takeOver(stale, terms("owner-b", later)).orElseThrow();

    Fence current = takeover.lease().orElseThrow();
    assertThat(takeover.created()).isFalse();
    assertThat(current.token()).isGreaterThan(stale.token());
    assertThat(takeover.state().result().attempts()).as("an expiry is no new attempt").isEqualTo(1);
    assertThat(takeover.state().result().takeovers()).isEqualTo(1);
    assertThat(takeover.state().result().leaseOwner()).isEqualTo("owner-b");
    assertThat(store.takeOver(stale, terms("owner-c", later))).isEmpty();
    assertThat(store.complete(stale, "{\"stale\":true}", later)).isEmpty();
    assertThat(store.fail(stale, "stale failure", later)).isEmpty();
    assertThat(store.complete(current, ENVELOPE, later)).isPresent();
    assertThat(store.find(claim.state().prompt().id()).orElseThrow().result().envelope())
        .isEqualTo(ENVELOPE);
  }

  @Test
  void takeoversOfExpiredLeasesDoNotUseUpAttempts() {
    Claim claim = store.claim(prompt("long"), terms("owner-a", t0, 1));
    Fence fence = claim.lease().orElseThrow();
    Instant at = t0;
    for (int i = 0; i < 3; i++) {
      at = at.plus(LEASE).plusMillis(1);
      fence = store.takeOver(fence, terms("owner-" + i, at, 1)).orElseThrow().lease().orElseThrow();
    }

    Result result = store.find(claim.state().prompt().id()).orElseThrow().result();
    assertThat(result.attempts()).isEqualTo(1);
    assertThat(result.takeovers()).isEqualTo(3);
    assertThat(store.complete(fence, ENVELOPE, at)).isPresent();
  }

  @Test
  void aRenewedLeaseIsNotTakenOverAndAStaleHolderCannotRenew() {
    Claim claim = store.claim(prompt("renewed"), terms("owner-a", t0));
    Fence fence = claim.lease().orElseThrow();
    Instant renewedAt = t0.plusSeconds(20);

    assertThat(store.renew(fence, terms("owner-a", renewedAt))).isTrue();

    Instant pastFirstLease = t0.plus(LEASE).plusMillis(1);
    assertThat(store.takeOver(fence, terms("owner-b", pastFirstLease))).isEmpty();
    assertThat(store.takeOverExpired(terms("owner-b", pastFirstLease), 10)).isEmpty();
    Result renewed = store.find(claim.state().prompt().id()).orElseThrow().result();
    assertThat(renewed.leaseExpiresAt()).isEqualTo(renewedAt.plus(LEASE));
    assertThat(renewed.fencingToken()).isEqualTo(fence.token());

    Instant pastRenewal = renewedAt.plus(LEASE).plusMillis(1);
    Fence current =
        store.takeOver(fence, terms("owner-b", pastRenewal)).orElseThrow().lease().orElseThrow();
    assertThat(store.renew(fence, terms("owner-a", pastRenewal))).as("stale holder").isFalse();
    assertThat(store.renew(current, terms("owner-b", pastRenewal))).isTrue();
    assertThat(store.complete(current, ENVELOPE, pastRenewal)).isPresent();
    assertThat(store.renew(current, terms("owner-b", pastRenewal))).as("completed").isFalse();
  }

  @Test
  void renewingManyRenewsTheCurrentLeasesOnlyAndNotATakenOverOrCompletedOne() {
    Fence live = store.claim(prompt("many live"), terms("owner-a", t0)).lease().orElseThrow();
    Fence alsoLive =
        store.claim(prompt("many also live"), terms("owner-a", t0)).lease().orElseThrow();
    Fence stale =
        store.claim(prompt("many taken over"), terms("owner-a", t0)).lease().orElseThrow();
    Fence done = store.claim(prompt("many completed"), terms("owner-a", t0)).lease().orElseThrow();
    Instant pastFirstLease = t0.plus(LEASE).plusMillis(1);
    Fence takenOver =
        store.takeOver(stale, terms("owner-b", pastFirstLease)).orElseThrow().lease().orElseThrow();
    assertThat(store.complete(done, ENVELOPE, t0.plusSeconds(1))).isPresent();
    Instant renewedAt = t0.plusSeconds(20);

    Set<Fence> renewed =
        store.renew(List.of(live, alsoLive, stale, done), terms("owner-a", renewedAt));

    assertThat(renewed).containsExactlyInAnyOrder(live, alsoLive);
    assertThat(store.renew(List.of(), terms("owner-a", renewedAt))).isEmpty();
    for (Fence fence : List.of(live, alsoLive)) {
      assertThat(store.takeOver(fence, terms("owner-c", pastFirstLease))).as("renewed").isEmpty();
    }
    Result taken = resultOf(takenOver);
    assertThat(taken.leaseExpiresAt()).isEqualTo(pastFirstLease.plus(LEASE));
    assertThat(taken.fencingToken()).isEqualTo(takenOver.token());
    assertThat(resultOf(done).status()).isEqualTo(ResultStatus.COMPLETED);
    assertThat(resultOf(done).leaseExpiresAt()).isNull();
    assertThat(resultOf(live).leaseExpiresAt()).isEqualTo(renewedAt.plus(LEASE));
  }

  private Result resultOf(Fence fence) {
    return store.list(100, Optional.empty()).items().stream()
        .map(StoredPrompt::result)
        .filter(result -> result.id().equals(fence.resultId()))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aSweepTakesOverOnlyExpiredPendingLeasesUpToItsLimit() {
    List<Fence> expiring = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      expiring.add(store.claim(prompt("orphan " + i), terms("dead", t0)).lease().orElseThrow());
    }
    Instant later = t0.plus(LEASE).plusMillis(1);
    Claim live = store.claim(prompt("alive"), terms("alive", later));
    Claim done = store.claim(prompt("done"), terms("dead", t0));
    store.complete(done.lease().orElseThrow(), ENVELOPE, t0);
    Claim failed = store.claim(prompt("failed"), terms("dead", t0));
    store.fail(failed.lease().orElseThrow(), "boom", t0);

    List<Claim> first = store.takeOverExpired(terms("sweeper", later), 2);
    List<Claim> second = store.takeOverExpired(terms("sweeper", later), 2);

    assertThat(first).hasSize(2);
    assertThat(second).hasSize(1);
    assertThat(store.takeOverExpired(terms("sweeper", later), 2)).isEmpty();
    Set<String> swept = new HashSet<>();
    for (Claim claim : concat(first, second)) {
      Result result = claim.state().result();
      swept.add(result.id());
      assertThat(result.leaseOwner()).isEqualTo("sweeper");
      assertThat(result.attempts()).isEqualTo(1);
      assertThat(claim.lease()).contains(result.fence());
      assertThat(claim.state().prompt().normalizedText()).startsWith("orphan ");
    }
    assertThat(swept)
        .containsExactlyInAnyOrderElementsOf(expiring.stream().map(Fence::resultId).toList());
    assertThat(store.complete(expiring.get(0), ENVELOPE, later)).as("the dead owner").isEmpty();
    assertThat(store.find(live.state().prompt().id()).orElseThrow().result().leaseOwner())
        .isEqualTo("alive");
  }

  @Test
  void aFailedAttemptIsRetriedUntilAttemptsRunOut() {
    Claim claim = store.claim(prompt("flaky"), terms("owner-a", t0));
    assertThat(store.fail(claim.lease().orElseThrow(), "boom 1", t0)).isPresent();

    StoredPrompt failed = store.find(claim.state().prompt().id()).orElseThrow();
    assertThat(failed.result().status()).isEqualTo(ResultStatus.FAILED);
    assertThat(failed.result().error()).isEqualTo("boom 1");
    assertThat(failed.result().leaseExpiresAt()).isNull();

    Claim retry = store.takeOver(failed.result().fence(), terms("owner-b", t0, 2)).orElseThrow();
    assertThat(retry.state().result().status()).isEqualTo(ResultStatus.PENDING);
    assertThat(retry.state().result().attempts()).isEqualTo(2);
    assertThat(store.fail(retry.lease().orElseThrow(), "boom 2", t0)).isPresent();

    StoredPrompt exhausted = store.find(claim.state().prompt().id()).orElseThrow();
    assertThat(store.takeOver(exhausted.result().fence(), terms("owner-c", t0, 2))).isEmpty();
    assertThat(exhausted.result().status()).isEqualTo(ResultStatus.FAILED);
    assertThat(exhausted.result().error()).isEqualTo("boom 2");
  }

  @Test
  void aReleasedLeaseCanBeTakenOverAtOnce() {
    Claim claim = store.claim(prompt("released"), terms("owner-a", t0));
    assertThat(store.release(claim.lease().orElseThrow(), t0.plusSeconds(1))).isTrue();

    Optional<Claim> takeover =
        store.takeOver(
            store.find(claim.state().prompt().id()).orElseThrow().result().fence(),
            terms("owner-b", t0.plusSeconds(1)));

    assertThat(takeover).isPresent();
  }

  @Test
  void aFailureKeepsTheEndpointsStatusAndWaitUntilTheResultIsTakenOver() throws Exception {
    Claim claim = store.claim(prompt("rate limited"), terms("owner-a", t0));
    Failure failure =
        new Failure("the endpoint is rate limited (HTTP 429)", 429, Duration.ofSeconds(7));

    Result failed = store.fail(claim.lease().orElseThrow(), failure, t0).orElseThrow();

    assertThat(failed.failure()).contains(failure);
    Result read = store.find(claim.state().prompt().id()).orElseThrow().result();
    assertThat(read.failure()).contains(failure);
    assertThat(read.upstreamStatus()).isEqualTo(429);
    assertThat(read.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    store.close();
    store = reopenStore();
    assertThat(store.find(claim.state().prompt().id()).orElseThrow().result().failure())
        .contains(failure);
    Claim retry = store.takeOver(read.fence(), terms("owner-b", t0)).orElseThrow();
    assertThat(retry.state().result().failure()).isEmpty();
    assertThat(retry.state().result().upstreamStatus()).isZero();
    assertThat(store.find(claim.state().prompt().id()).orElseThrow().result().retryAfter())
        .isNull();
  }

  @Test
  void aStoredDocumentComesBackByteForByte() throws Exception {
    // What an endpoint answered, kept as it was sent: member order, spacing and number spelling.
    String document =
        "{\"id\":\"chatcmpl-1\",  \"object\":\"chat.completion\",\"z\":1.50,\"a\":[1e2, "
            + "12345678901234567890],\"text\":\"caf\\u00e9 \u00e9\"}";
    Claim claim = store.claim(prompt("verbatim"), terms("owner-a", t0));
    store.complete(claim.lease().orElseThrow(), document, t0);

    assertThat(store.find(claim.state().prompt().id()).orElseThrow().result().envelope())
        .isEqualTo(document);
    store.close();
    store = reopenStore();
    assertThat(store.find(claim.state().prompt().id()).orElseThrow().result().envelope())
        .isEqualTo(document);
  }

  @Test
  void unknownAndMalformedIdsAreNotFound() {
    assertThat(store.find(UUID.randomUUID().toString())).isEmpty();
    assertThat(store.find("not-an-id")).isEmpty();
    assertThat(store.find("")).isEmpty();
  }

  @Test
  void listPagesNewestFirstWithoutGapsOrRepeats() {
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      Instant at = t0.plusSeconds(i / 2); // pairs share a timestamp: the id breaks the tie
      created.add(store.claim(prompt("prompt " + i), terms("owner", at)).state().prompt().id());
    }

    List<StoredPrompt> seen = new ArrayList<>();
    Optional<PageCursor> cursor = Optional.empty();
    int pages = 0;
    do {
      PromptPage page = store.list(3, cursor);
      seen.addAll(page.items());
      cursor = page.next();
      pages++;
    } while (cursor.isPresent() && pages < 10);

    assertThat(pages).isEqualTo(3);
    assertThat(seen).extracting(s -> s.prompt().id()).containsExactlyInAnyOrderElementsOf(created);
    for (int i = 1; i < seen.size(); i++) {
      Prompt newer = seen.get(i - 1).prompt();
      Prompt older = seen.get(i).prompt();
      assertThat(newer.createdAt()).isAfterOrEqualTo(older.createdAt());
    }
    assertThat(store.list(10, Optional.empty()).next()).isEmpty();
  }

  @Test
  void theSameTextInTwoNamespacesIsTwoPromptsEachListedOnlyInItsOwn() throws Exception {
    Claim a = store.claim(inNamespace("team-a", "a poem"), terms("owner", t0));
    Claim b = store.claim(inNamespace("team-b", "a poem"), terms("owner", t0.plusSeconds(1)));
    Claim plain = store.claim(prompt("a poem"), terms("owner", t0.plusSeconds(2)));

    assertThat(a.created()).isTrue();
    assertThat(b.created()).isTrue();
    assertThat(plain.created()).isTrue();
    assertThat(a.state().prompt().namespace()).isEqualTo("team-a");
    assertThat(plain.state().prompt().namespace()).isEqualTo(ApiKey.DEFAULT_NAMESPACE);
    assertThat(store.list("team-a", 10, Optional.empty()).items())
        .extracting(s -> s.prompt().id())
        .containsExactly(a.state().prompt().id());
    assertThat(store.list(ApiKey.DEFAULT_NAMESPACE, 10, Optional.empty()).items())
        .extracting(s -> s.prompt().id())
        .containsExactly(plain.state().prompt().id());
    assertThat(store.list("team-c", 10, Optional.empty()).items()).isEmpty();

    store.close();
    store = reopenStore();

    assertThat(store.find(b.state().prompt().id()).orElseThrow().prompt().namespace())
        .isEqualTo("team-b");
    assertThat(store.claim(inNamespace("team-b", "a poem"), terms("owner", t0)).created())
        .isFalse();
  }

  @Test
  void aNamespacesListPagesWithoutTheOthersPrompts() {
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(
          store
              .claim(inNamespace("team-a", "prompt " + i), terms("owner", t0.plusSeconds(2 * i)))
              .state()
              .prompt()
              .id());
      store.claim(inNamespace("team-b", "prompt " + i), terms("owner", t0.plusSeconds(2 * i + 1)));
    }

    PromptPage first = store.list("team-a", 3, Optional.empty());
    PromptPage second = store.list("team-a", 3, first.next());

    assertThat(first.items())
        .extracting(s -> s.prompt().id())
        .containsExactly(created.get(4), created.get(3), created.get(2));
    assertThat(second.items())
        .extracting(s -> s.prompt().id())
        .containsExactly(created.get(1), created.get(0));
    assertThat(second.next()).isEmpty();
  }

  @Test
  void concurrentClaimsOfOneKeyCreateOnePromptAndGrantOneLease() throws Exception {
    int callers = 16;
    CyclicBarrier start = new CyclicBarrier(callers);
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<Claim>> futures = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        String owner = "owner-" + i;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return store.claim(prompt("race"), terms(owner, t0));
                }));
      }
      List<Claim> claims = new ArrayList<>();
      for (Future<Claim> f : futures) {
        claims.add(f.get(30, TimeUnit.SECONDS));
      }

      assertThat(claims).filteredOn(Claim::created).hasSize(1);
      assertThat(claims).filteredOn(c -> c.lease().isPresent()).hasSize(1);
      Set<String> resultIds = new HashSet<>();
      claims.forEach(c -> resultIds.add(c.state().result().id()));
      assertThat(resultIds).hasSize(1);
      assertThat(store.list(100, Optional.empty()).items()).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentTakeoversOfOneExpiredLeaseHaveOneWinner() throws Exception {
    Claim claim = store.claim(prompt("expired"), terms("owner-a", t0));
    Fence observed = claim.lease().orElseThrow();
    Instant later = t0.plus(LEASE).plusSeconds(1);
    int callers = 16;
    CyclicBarrier start = new CyclicBarrier(callers);
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<Optional<Claim>>> futures = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        String owner = "taker-" + i;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return store.takeOver(observed, terms(owner, later));
                }));
      }
      int winners = 0;
      for (Future<Optional<Claim>> f : futures) {
        winners += f.get(30, TimeUnit.SECONDS).isPresent() ? 1 : 0;
      }

      assertThat(winners).isEqualTo(1);
      Result result = store.find(claim.state().prompt().id()).orElseThrow().result();
      assertThat(result.attempts()).isEqualTo(1);
      assertThat(result.takeovers()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentSweepsTakeEachExpiredLeaseOnce() throws Exception {
    int orphans = 24;
    for (int i = 0; i < orphans; i++) {
      store.claim(prompt("orphan " + i), terms("dead", t0));
    }
    Instant later = t0.plus(LEASE).plusSeconds(1);
    int sweepers = 6;
    CyclicBarrier start = new CyclicBarrier(sweepers);
    ExecutorService pool = Executors.newFixedThreadPool(sweepers);
    try {
      List<Future<List<Claim>>> futures = new ArrayList<>();
      for (int i = 0; i < sweepers; i++) {
        String owner = "sweeper-" + i;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  List<Claim> taken = new ArrayList<>();
                  for (int pass = 0; pass < orphans; pass++) {
                    taken.addAll(store.takeOverExpired(terms(owner, later), 3));
                  }
                  return taken;
                }));
      }
      List<String> taken = new ArrayList<>();
      for (Future<List<Claim>> f : futures) {
        f.get(30, TimeUnit.SECONDS).forEach(c -> taken.add(c.state().result().id()));
      }

      assertThat(taken).hasSize(orphans).doesNotHaveDuplicates();
      assertThat(store.list(100, Optional.empty()).items())
          .allSatisfy(item -> assertThat(item.result().takeovers()).isEqualTo(1));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aWatchWakesWhenTheResultCompletes() throws Exception {
    Claim claim = store.claim(prompt("watched"), terms("owner-a", t0));
    Duration patience = Duration.ofSeconds(30);
    try (ResultWatch watch = store.watch(claim.state().result().id())) {
      Thread completer =
          new Thread(() -> store.complete(claim.lease().orElseThrow(), ENVELOPE, t0));
      completer.start();
      long startedAt = System.nanoTime();
      watch.await(patience);
      Duration waited = Duration.ofNanos(System.nanoTime() - startedAt);
      completer.join();

      assertThat(waited).isLessThan(patience);
    }
  }

  @Test
  void everythingAcknowledgedSurvivesAReopen() throws Exception {
    Claim done = store.claim(prompt("kept"), terms("owner-a", t0));
    store.complete(done.lease().orElseThrow(), ENVELOPE, t0.plusSeconds(1));
    Claim pending = store.claim(prompt("still pending"), terms("owner-a", t0));
    StoredPrompt doneBefore = store.find(done.state().prompt().id()).orElseThrow();

    store.close();
    store = reopenStore();

    assertThat(store.find(done.state().prompt().id())).contains(doneBefore);
    StoredPrompt pendingAfter = store.find(pending.state().prompt().id()).orElseThrow();
    assertThat(pendingAfter.prompt()).isEqualTo(pending.state().prompt());
    assertThat(pendingAfter.result().id()).isEqualTo(pending.state().result().id());
    assertThat(pendingAfter.result().status()).isEqualTo(ResultStatus.PENDING);
    assertThat(store.claim(prompt("kept"), terms("owner-b", t0)).created()).isFalse();
  }

  @Test
  void describeNamesTheStoreAndPingSucceeds() {
    store.ping(Duration.ofSeconds(5));

    assertThat(store.describe()).isNotEmpty();
    assertThat(store.name()).isNotBlank();
  }

  /** A prompt as the orchestrator would pass it under the sample generator's profile. */
  public static NewPrompt prompt(String normalized) {
    return prompt(normalized, normalized);
  }

  public static NewPrompt prompt(String normalized, String raw) {
    return new NewPrompt(PromptKey.of(PromptKey.SAMPLE_PROFILE_ID, normalized), raw, normalized, 1);
  }

  /** A prompt of {@code namespace} under the sample generator's profile. */
  public static NewPrompt inNamespace(String namespace, String normalized) {
    return new NewPrompt(
        PromptKey.of(namespace, PromptKey.SAMPLE_PROFILE_ID, normalized),
        normalized,
        normalized,
        1,
        PromptKey.SAMPLE_PROFILE_ID,
        PromptKey.SAMPLE_PROFILE_JSON,
        namespace);
  }

  private static List<Claim> concat(List<Claim> a, List<Claim> b) {
    List<Claim> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static LeaseTerms terms(String owner, Instant now) {
    return terms(owner, now, 3);
  }

  private static LeaseTerms terms(String owner, Instant now, int maxAttempts) {
    return new LeaseTerms(owner, now.truncatedTo(ChronoUnit.MICROS), LEASE, maxAttempts);
  }
}
