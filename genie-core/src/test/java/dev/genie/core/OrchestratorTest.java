package dev.genie.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.core.Answer.Cache;
import dev.genie.core.Answer.Outcome;
import dev.genie.core.ScriptedGenerator.Step;
import dev.genie.core.generate.Generation;
import dev.genie.core.generate.GenerationException;
import dev.genie.core.generate.GenerationProfile;
import dev.genie.core.generate.Generator;
import dev.genie.core.generate.SampleGenerator;
import dev.genie.core.generate.Usage;
import dev.genie.persistence.ApiKey;
import dev.genie.persistence.Claim;
import dev.genie.persistence.Fence;
import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.StoreUnavailableException;
import dev.genie.persistence.StoredPrompt;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OrchestratorTest {
  private final FakePromptStore store = new FakePromptStore();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T12:00:00Z"));
  private final FakeTicker ticker = new FakeTicker();
  private final RecordingListener listener = new RecordingListener();
  private Orchestrator orchestrator;

  @AfterEach
  void stop() {
    if (orchestrator != null) {
      orchestrator.shutdown(Duration.ofSeconds(1));
    }
  }

  private static final Duration LEASE = Duration.ofSeconds(60);

  /**
   * An orchestrator started on the test's ticker: its generation timeouts and the pauses between
   * tries to store a result pass when the test says.
   */
  private Orchestrator orchestrator(ScriptedGenerator generator, OrchestratorSettings settings) {
    return orchestrator(generator, settings, ticker);
  }

  private Orchestrator orchestrator(
      ScriptedGenerator generator, OrchestratorSettings settings, Ticker ticker) {
    orchestrator =
        new Orchestrator(
                store,
                List.of(generator),
                settings,
                clock,
                listener,
                GenerationBudget.Takeovers.NOBODY,
                HandOver.NONE,
                ticker)
            .start();
    return orchestrator;
  }

  private static OrchestratorSettings.Builder settings() {
    return OrchestratorSettings.builder().waitTimeout(Duration.ofSeconds(10)).instanceId("test");
  }

  @Test
  void buildingOneStartsNoThreadAndUsingItBeforeStartFailsClearly() {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    Orchestrator unstarted =
        new Orchestrator(
            store, new ScriptedGenerator(Step.SUCCEED), settings().build(), clock, listener);
    try {
      Set<Thread> started = new HashSet<>(Thread.getAllStackTraces().keySet());
      started.removeAll(before);
      assertThat(started).extracting(Thread::getName).noneMatch(name -> name.startsWith("genie-"));

      assertThatThrownBy(() -> unstarted.submit("too early"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("call start() first");
      assertThat(store.claims).hasValue(0);
    } finally {
      unstarted.close();
    }
  }

  @Test
  void closingTwiceChangesNothingAndAClosedOneCannotStart() {
    Orchestrator genie = orchestrator(new ScriptedGenerator(Step.SUCCEED), settings().build());
    genie.submit("a poem");

    genie.close();
    genie.close();

    assertThatThrownBy(genie::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> genie.submit("another poem")).isInstanceOf(GenieException.class);
  }

  @Test
  void theFirstCallerCreatesAndLaterVariantsGetTheSameAnswer() {
    ScriptedGenerator generator = new ScriptedGenerator(Step.SUCCEED);
    Orchestrator genie = orchestrator(generator, settings().build());

    Answer first = genie.submit("Write a poem about autumn");
    Answer second = genie.submit("  write a poem about autumn ".replace("write", "Write") + "\n");

    assertThat(first.outcome()).isEqualTo(Outcome.CREATED);
    assertThat(second.outcome()).isEqualTo(Outcome.EXISTING);
    assertThat(second.state()).isEqualTo(first.state());
    assertThat(first.state().result().status()).isEqualTo(ResultStatus.COMPLETED);
    assertThat(first.state().result().envelope())
        .startsWith("{\"version\":1,\"pages\":[{\"id\":\"p1\",\"title\":")
        .contains(
            "\"metadata\":{\"model\":\"genie-sample-1\",\"generatedAt\":\"2026-05-01T12:00:00Z\"}");
    assertThat(first.state().prompt().rawText()).isEqualTo("Write a poem about autumn");
    assertThat(generator.calls).hasValue(1);
    assertThat(listener.events).containsExactly("claimWon", "generated:COMPLETED", "claimLost");
  }

  @Test
  void namespacesShareNothing() {
    ScriptedGenerator generator = new ScriptedGenerator(Step.SUCCEED, Step.SUCCEED);
    Orchestrator genie = orchestrator(generator, settings().build());

    Answer a = genie.submit("team-a", "a poem", GenerationBudget.UNLIMITED);
    Answer b = genie.submit("team-b", "a poem", GenerationBudget.UNLIMITED);

    assertThat(a.outcome()).isEqualTo(Outcome.CREATED);
    assertThat(b.outcome()).isEqualTo(Outcome.CREATED);
    assertThat(b.state().prompt().id()).isNotEqualTo(a.state().prompt().id());
    assertThat(generator.calls).hasValue(2);
    String idA = a.state().prompt().id();
    assertThat(genie.find("team-a", idA)).isPresent();
    assertThat(genie.find("team-b", idA)).isEmpty();
    assertThat(genie.submit("team-a", "a poem", GenerationBudget.UNLIMITED).cache())
        .isEqualTo(Cache.HIT);
  }

  @Test
  void aRefusedBudgetClaimsAndGeneratesNothingButHitsStillAnswer() {
    ScriptedGenerator generator = new ScriptedGenerator(Step.SUCCEED, Step.SUCCEED);
    Orchestrator genie = orchestrator(generator, settings().build());
    genie.submit("a poem");
    GenerationBudget exhausted =
        new GenerationBudget() {
          @Override
          public Reservation reserve(OptionalLong worstCase) {
            throw new GenieException(CoreErrorCode.BUDGET_EXHAUSTED, "spent");
          }
        };

    assertThat(genie.submit(ApiKey.DEFAULT_NAMESPACE, "a poem", exhausted).cache())
        .isEqualTo(Cache.HIT);
    assertThatThrownBy(() -> genie.submit(ApiKey.DEFAULT_NAMESPACE, "another poem", exhausted))
        .isInstanceOf(GenieException.class)
        .extracting(e -> ((GenieException) e).code())
        .isEqualTo(CoreErrorCode.BUDGET_EXHAUSTED);
    assertThat(generator.calls).hasValue(1);
    // nothing pending is left for a sweep to generate unbilled; the next caller with budget does
    assertThat(genie.list(10, Optional.empty()).items()).hasSize(1);
    assertThat(genie.submit("another poem").cache()).isEqualTo(Cache.MISS);
    assertThat(generator.calls).hasValue(2);
  }

  @Test
  void aBudgetThatMayRefuseIsAskedOnlyWhenNothingStoredAnswers() {
    ScriptedGenerator generator = new ScriptedGenerator(Step.SUCCEED, Step.SUCCEED);
    Orchestrator genie = orchestrator(generator, settings().build());
    AtomicInteger asked = new AtomicInteger();
    GenerationBudget counted =
        new GenerationBudget() {
          @Override
          public Reservation reserve(OptionalLong worstCase) {
            asked.incrementAndGet();
            return Reservation.NONE;
          }
        };

    assertThat(genie.submit(ApiKey.DEFAULT_NAMESPACE, "a poem", counted).cache())
        .isEqualTo(Cache.MISS);
    assertThat(asked).hasValue(1);
    assertThat(genie.submit(ApiKey.DEFAULT_NAMESPACE, "a poem", counted).cache())
        .isEqualTo(Cache.HIT);
    assertThat(asked).as("a hit reads no budget").hasValue(1);
    assertThat(listener.events).containsSubsequence("claimWon", "claimLost");
    assertThat(genie.submit(ApiKey.DEFAULT_NAMESPACE, "another poem", counted).cache())
        .isEqualTo(Cache.MISS);
    assertThat(asked).hasValue(2);
    assertThat(generator.calls).hasValue(2);
  }

  @Test
  void theCallerThatGeneratesIsAMissAndLaterCallersAreHits() {
    Orchestrator genie = orchestrator(new ScriptedGenerator(Step.SUCCEED), settings().build());
    assertThat(genie.submit("a poem").cache()).isEqualTo(Cache.MISS);
    assertThat(genie.submit("a poem").cache()).isEqualTo(Cache.HIT);
  }

  @Test
  void aCallerThatWaitedForAnotherCallersGenerationIsCoalesced() throws Exception {
    ScriptedGenerator generator = new ScriptedGenerator(Step.SUCCEED, Step.BLOCK);
    Orchestrator genie = orchestrator(generator, settings().build());
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Answer> owner = pool.submit(() -> genie.submit("a poem"));
      generator.blocked.await();
      Future<Answer> waiter = pool.submit(() -> genie.submit("a poem"));
      while (!listener.events.contains("claimLost")) {
        Thread.sleep(5);
      }
      generator.release.countDown();
      assertThat(owner.get(10, TimeUnit.SECONDS).cache()).isEqualTo(Cache.MISS);
      Answer coalesced = waiter.get(10, TimeUnit.SECONDS);
      assertThat(coalesced.cache()).isEqualTo(Cache.COALESCED);
      assertThat(coalesced.state()).isEqualTo(owner.get().state());
      assertThat(generator.calls).hasValue(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anUnavailableGeneratorIsNoAttemptItsLeaseIsReleasedAndTheNextCallerGenerates() {
    ScriptedGenerator generator = new ScriptedGenerator(Step.SUCCEED, Step.UNAVAILABLE);
    Orchestrator genie = orchestrator(generator, settings().maxAttempts(1).build());

    assertThatThrownBy(() -> genie.submit("a poem"))
        .isInstanceOfSatisfying(
            GeneratorUnavailableException.class,
            e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7)));
    StoredPrompt left = store.only();
    assertThat(left.result().status()).isEqualTo(ResultStatus.PENDING);
    assertThat(left.result().leaseLiveAt(clock.instant())).isFalse();
    assertThat(listener.events).contains("generated:UNAVAILABLE");

    Answer next = genie.submit("a poem");
    assertThat(next.state().result().status()).isEqualTo(ResultStatus.COMPLETED);
    assertThat(next.cache()).isEqualTo(Cache.MISS);
    assertThat(generator.calls).hasValue(2);
  }

  @Test
  void theSameTextUnderAnotherProfileIsAnotherPrompt() {
    Orchestrator first = orchestrator(new ScriptedGenerator(Step.SUCCEED), settings().build());
    Answer a = first.submit("a poem");
    ScriptedGenerator otherModel =
        new ScriptedGenerator(Step.SUCCEED) {
          @Override
          public GenerationProfile profile() {
            return GenerationProfile.of("scripted", "another-model", "pages");
          }
        };
    Orchestrator second =
        new Orchestrator(store, otherModel, settings().build(), clock, listener).start();
    try {
      Answer b = second.submit("a poem");
      assertThat(b.state().prompt().id()).isNotEqualTo(a.state().prompt().id());
      assertThat(b.cache()).isEqualTo(Cache.MISS);
      assertThat(b.state().prompt().profile()).contains("another-model");
      assertThat(second.submit("a poem").state().prompt().id()).isEqualTo(b.state().prompt().id());
      assertThat(first.submit("a poem").state().prompt().id()).isEqualTo(a.state().prompt().id());
    } finally {
      second.shutdown(Duration.ofSeconds(1));
    }
  }

  @Test
  void aGeneratorThatDoesNotBlockRunsOnTheCallersThread() {
    List<String> threads = new ArrayList<>();
    Generator inMemory =
        new Generator() {
          @Override
          public String name() {
            return "in-memory";
          }

          @Override
          public boolean blocks() {
            return false;
          }

          @Override
          public Generation generate(String normalizedPrompt) throws Exception {
            threads.add(Thread.currentThread().getName());
            return new SampleGenerator(Duration.ZERO).generate(normalizedPrompt);
          }
        };
    orchestrator = new Orchestrator(store, inMemory, settings().build(), clock, listener).start();

    Answer answer = orchestrator.submit("Write a poem about autumn");

    assertThat(answer.outcome()).isEqualTo(Outcome.CREATED);
    assertThat(answer.state().result().status()).isEqualTo(ResultStatus.COMPLETED);
    assertThat(threads).containsExactly(Thread.currentThread().getName());
    assertThat(new SampleGenerator(Duration.ZERO).blocks()).isFalse();
    assertThat(new SampleGenerator(Duration.ofMillis(1)).blocks()).isTrue();
  }

  @Test
  void anInvalidPromptTouchesNothing() {
    Orchestrator genie = orchestrator(new ScriptedGenerator(Step.SUCCEED), settings().build());

    assertThatThrownBy(() -> genie.submit(" \u200B ")).isInstanceOf(InvalidPromptException.class);
    assertThatThrownBy(() -> genie.submit("a\u0000b")).isInstanceOf(InvalidPromptException.class);

    assertThat(store.claims).hasValue(0);
  }

  @Test
  void concurrentCallersShareOneGeneration() throws Exception {
    ScriptedGenerator generator = new ScriptedGenerator(Step.SUCCEED, Step.BLOCK);
    Orchestrator genie = orchestrator(generator, settings().build());
    int callers = 24;
    CyclicBarrier start = new CyclicBarrier(callers);
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<Answer>> answers = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        String variant = i % 2 == 0 ? "same prompt" : " same\u00A0prompt\t";
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  return genie.submit(variant);
                }));
      }
      generator.blocked.await();
      generator.release.countDown();
      List<Answer> settled = new ArrayList<>();
      for (Future<Answer> answer : answers) {
        settled.add(answer.get(20, TimeUnit.SECONDS));
      }

      assertThat(generator.calls).hasValue(1);
      assertThat(settled).filteredOn(a -> a.outcome() == Outcome.CREATED).hasSize(1);
      assertThat(settled).filteredOn(a -> a.outcome() == Outcome.EXISTING).hasSize(callers - 1);
      assertThat(settled).extracting(Answer::state).containsOnly(settled.get(0).state());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aResultStillPendingWhenTheWaitEndsIsReportedPendingAndCompletesLater() throws Exception {
    ScriptedGenerator generator = new ScriptedGenerator(Step.BLOCK);
    Orchestrator genie =
        orchestrator(generator, settings().waitTimeout(Duration.ofMillis(50)).build());

    Answer creator = genie.submit("slow one");
    Answer waiter = genie.submit("slow one");

    assertThat(creator.outcome()).isEqualTo(Outcome.PENDING);
    assertThat(waiter.outcome()).isEqualTo(Outcome.PENDING);
    assertThat(waiter.state().result().status()).isEqualTo(ResultStatus.PENDING);
    generator.release.countDown();
    StoredPrompt done = awaitStatus(creator.state().prompt().id(), ResultStatus.COMPLETED);
    assertThat(done.result().envelope()).isNotNull();
    assertThat(generator.calls).hasValue(1);
  }

  @Test
  void aFailedGenerationIsReportedAndRetriedByALaterCaller() {
    ScriptedGenerator generator = new ScriptedGenerator(Step.SUCCEED, Step.FAIL);
    Orchestrator genie = orchestrator(generator, settings().build());

    assertThatThrownBy(() -> genie.submit("flaky"))
        .isInstanceOfSatisfying(
            GenerationFailedException.class,
            e -> {
              assertThat(e.code()).isEqualTo(CoreErrorCode.GENERATION_FAILED);
              assertThat(e.attempts()).isEqualTo(1);
            })
        .hasMessageContaining("scripted failure 1");
    StoredPrompt failed = store.list(10, java.util.Optional.empty()).items().get(0);
    assertThat(failed.result().status()).isEqualTo(ResultStatus.FAILED);
    assertThat(failed.result().error()).isEqualTo("scripted failure 1");

    Answer retried = genie.submit("flaky");

    assertThat(retried.outcome()).isEqualTo(Outcome.EXISTING);
    assertThat(retried.state().result().status()).isEqualTo(ResultStatus.COMPLETED);
    assertThat(retried.state().result().attempts()).isEqualTo(2);
    assertThat(listener.events).contains("tookOver");
    assertThat(generator.calls).hasValue(2);
  }

  @Test
  void afterTheLastAttemptFailsNoMoreGenerationsStart() {
    ScriptedGenerator generator = new ScriptedGenerator(Step.FAIL);
    Orchestrator genie = orchestrator(generator, settings().maxAttempts(2).build());

    assertThatThrownBy(() -> genie.submit("broken")).isInstanceOf(GenerationFailedException.class);
    assertThatThrownBy(() -> genie.submit("broken")).isInstanceOf(GenerationFailedException.class);
    assertThatThrownBy(() -> genie.submit("broken"))
        .isInstanceOfSatisfying(
            GenerationFailedException.class, e -> assertThat(e.attempts()).isEqualTo(2));

    assertThat(generator.calls).hasValue(2);
  }

  @Test
  void anExpiredLeaseIsTakenOverAndTheStaleOwnersResultIsDropped() throws Exception {
    ScriptedGenerator generator = new ScriptedGenerator(Step.SUCCEED, Step.BLOCK);
    Orchestrator genie =
        orchestrator(
            generator,
            settings().waitTimeout(Duration.ofMillis(100)).lease(Duration.ofSeconds(60)).build());

    Answer owner = genie.submit("stuck");
    generator.blocked.await();
    assertThat(owner.outcome()).isEqualTo(Outcome.PENDING);

    clock.advance(Duration.ofSeconds(61));
    Answer taker = genie.submit("stuck");

    assertThat(taker.outcome()).isEqualTo(Outcome.EXISTING);
    assertThat(taker.state().result().fencingToken()).isEqualTo(2);
    String envelope = taker.state().result().envelope();
    generator.release.countDown();
    orchestrator.shutdown(Duration.ofSeconds(5));

    StoredPrompt after = genie.find(owner.state().prompt().id()).orElseThrow();
    assertThat(after.result().envelope()).isEqualTo(envelope);
    assertThat(generator.calls).hasValue(2);
    assertThat(listener.events).contains("tookOver", "generated:FENCED_OUT");
  }

  @Test
  void aRenewalThatFindsTheLeaseTakenOverStopsTheGeneration() throws Exception {
    ScriptedGenerator generator = new ScriptedGenerator(Step.BLOCK);
    Orchestrator genie =
        orchestrator(
            generator,
            settings().waitTimeout(Duration.ofMillis(50)).lease(Duration.ofMillis(60)).build());
    Answer owner = genie.submit("taken from under its owner");
    generator.blocked.await();

    // Another instance took the lease over (its clock says the lease is long over).
    Fence stale = owner.state().result().fence();
    Fence taker =
        store
            .takeOver(
                stale, new LeaseTerms("elsewhere", clock.instant().plusSeconds(3600), LEASE, 3))
            .orElseThrow()
            .lease()
            .orElseThrow();
    awaitEvent("generated:FENCED_OUT");

    assertThat(generator.release.getCount()).as("stopped without being released").isEqualTo(1);
    assertThat(store.complete(taker, "{\"version\":1}", clock.instant())).isPresent();
    assertThat(generator.calls).hasValue(1);
  }

  @Test
  void aCompletionTheStoreRefusesForAMomentIsRetried() {
    store.completionsToRefuse.set(3);
    Orchestrator genie = orchestrator(new ScriptedGenerator(Step.SUCCEED), settings().build());

    Answer answer = genie.submit("stored at the fourth try");

    assertThat(answer.outcome()).isEqualTo(Outcome.CREATED);
    assertThat(answer.state().result().status()).isEqualTo(ResultStatus.COMPLETED);
    assertThat(listener.events).containsExactly("claimWon", "generated:COMPLETED");
  }

  @Test
  void aCompletionRefusedForTheWholeLeaseReleasesItAndIsCounted() throws Exception {
    store.completionsToRefuse.set(Integer.MAX_VALUE);
    ScriptedGenerator generator = new ScriptedGenerator(Step.SUCCEED);
    Orchestrator genie = orchestrator(generator, settings().lease(Duration.ofMillis(300)).build());

    assertThatThrownBy(() -> genie.submit("never stored"))
        .isInstanceOf(StoreUnavailableException.class);
    StoredPrompt left = store.list(10, Optional.empty()).items().get(0);
    store.completionsToRefuse.set(0);
    Answer next = genie.submit("never stored");

    assertThat(left.result().status()).isEqualTo(ResultStatus.PENDING);
    assertThat(left.result().leaseLiveAt(clock.instant())).as("released").isFalse();
    assertThat(next.state().result().status()).isEqualTo(ResultStatus.COMPLETED);
    // The waiter may see the stored result before the generation's thread reports it.
    awaitEvent("generated:COMPLETED");
    assertThat(listener.events).contains("generated:UNSTORED", "tookOver", "generated:COMPLETED");
    assertThat(generator.calls).hasValue(2);
  }

  /**
   * Renewals succeed all along, so that only the bound of the retry can end it: a lease of 3 s is
   * renewed every second, and the retry's pause grows to 1 s at most. On the system's ticker: the
   * renewals and the retry's pauses must pass at one pace for a bound that renewals extend to show.
   */
  @Test
  void aCompletionRefusedWhileRenewalsSucceedEndsWithinTheLeaseAndLetsItGo() throws Exception {
    store.completionsToRefuse.set(Integer.MAX_VALUE);
    Orchestrator genie =
        orchestrator(
            new ScriptedGenerator(Step.SUCCEED),
            settings().lease(Duration.ofSeconds(3)).waitTimeout(Duration.ofMillis(100)).build(),
            Ticker.system());

    Answer answer = genie.submit("refused while renewed");
    awaitEvent("generated:UNSTORED");

    assertThat(answer.outcome()).isEqualTo(Outcome.PENDING);
    StoredPrompt left = store.only();
    assertThat(left.result().status()).isEqualTo(ResultStatus.PENDING);
    assertThat(left.result().leaseLiveAt(clock.instant())).as("released").isFalse();
  }

  /** On the caller's thread, the retry ends when the caller's wait does, long before the lease. */
  @Test
  void aCompletionRefusedOnTheCallersThreadIsGivenUpWhenItsWaitEnds() throws Exception {
    store.completionsToRefuse.set(Integer.MAX_VALUE);
    ScriptedGenerator inMemory =
        new ScriptedGenerator(Step.SUCCEED) {
          @Override
          public boolean blocks() {
            return false;
          }
        };
    Orchestrator genie =
        orchestrator(inMemory, settings().waitTimeout(Duration.ofMillis(300)).build());

    Future<Answer> answer =
        Executors.newSingleThreadExecutor().submit(() -> genie.submit("refused on my thread"));

    assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(StoreUnavailableException.class);
    // The store's record, not the lease's state: a sweep may take the released lease over at once.
    assertThat(store.releases).as("released").contains(new Fence(store.only().result().id(), 1));
  }

  @Test
  void aGenerationThatOutlivesItsTimeoutIsStoppedAndRecordedAsFailed() throws Exception {
    ScriptedGenerator hangs =
        new ScriptedGenerator(Step.BLOCK) {
          @Override
          public Optional<Duration> timeout() {
            return Optional.of(Duration.ofMillis(50));
          }
        };
    Orchestrator genie = orchestrator(hangs, settings().lease(Duration.ofMillis(150)).build());
    ExecutorService caller = Executors.newSingleThreadExecutor();
    Future<Answer> answer;
    try {
      answer = caller.submit(() -> genie.submit("never ends"));
      hangs.blocked.await();
      // The next renewal, within a third of the lease, finds it past its timeout.
      ticker.advance(Duration.ofMillis(51));

      assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS))
          .cause()
          .isInstanceOfSatisfying(
              GenerationFailedException.class,
              e -> assertThat(e.getMessage()).contains("longer than its timeout of 50 ms"));
    } finally {
      caller.shutdownNow();
    }

    StoredPrompt failed = store.only();
    assertThat(failed.result().status()).isEqualTo(ResultStatus.FAILED);
    assertThat(listener.events).contains("generated:FAILED");
    assertThat(hangs.release.getCount()).as("the generation was never let go").isEqualTo(1);
  }

  @Test
  void aPendingResultWhoseOwnerDiedIsFinishedByTheSweep() throws Exception {
    ScriptedGenerator generator = new ScriptedGenerator(Step.SUCCEED);
    Claim orphan =
        store.claim(
            new Normalizer(100).normalize("orphaned", generator.profile()),
            new LeaseTerms("dead", clock.instant(), LEASE, 3));
    clock.advance(Duration.ofHours(1));

    orchestrator(generator, settings().lease(Duration.ofMillis(100)).build());
    StoredPrompt done = awaitStatus(orphan.state().prompt().id(), ResultStatus.COMPLETED);

    assertThat(done.result().attempts()).isEqualTo(1);
    assertThat(done.result().takeovers()).isEqualTo(1);
    assertThat(generator.calls).hasValue(1);
    awaitEvent("generated:COMPLETED");
    assertThat(listener.events).containsSubsequence("swept:1", "tookOver", "generated:COMPLETED");
  }

  /** A generator with an output limit whose every answer is cut off, after using 100 tokens. */
  private static final class CutOffGenerator implements Generator {
    @Override
    public String name() {
      return "cut-off";
    }

    @Override
    public OptionalLong worstCaseTokens(String normalizedPrompt) {
      return OptionalLong.of(500);
    }

    @Override
    public Generation generate(String normalizedPrompt) throws GenerationException {
      throw new GenerationException("cut off", 0, null, new Usage(20, 80));
    }
  }

  @Test
  void aGenerationReservesItsWorstCaseBeforeItsClaimAndSettlesToWhatAFailureUsed() {
    List<String> events = new CopyOnWriteArrayList<>();
    GenerationBudget recorded =
        new GenerationBudget() {
          @Override
          public Reservation reserve(OptionalLong worstCase) {
            int prompts = store.list(10, Optional.empty()).items().size();
            events.add("reserve " + worstCase.getAsLong() + " with " + prompts + " prompts");
            return new Reservation() {
              @Override
              public void started(String promptId) {
                events.add("started");
              }

              @Override
              public void settle(Usage used) {
                events.add("settle " + (used == null ? "unknown" : used.total()));
              }
            };
          }
        };
    orchestrator =
        new Orchestrator(store, new CutOffGenerator(), settings().build(), clock, listener).start();

    assertThatThrownBy(() -> orchestrator.submit(ApiKey.DEFAULT_NAMESPACE, "a poem", recorded))
        .isInstanceOf(GenerationFailedException.class);

    assertThat(events).containsExactly("reserve 500 with 0 prompts", "started", "settle 100");
  }

  @Test
  void aSweptGenerationIsChargedToWhomTheTakeoversName() throws Exception {
    ScriptedGenerator generator = new ScriptedGenerator(Step.SUCCEED);
    Claim orphan =
        store.claim(
            new Normalizer(100).normalize("orphaned", generator.profile()),
            new LeaseTerms("dead", clock.instant(), LEASE, 3));
    clock.advance(Duration.ofHours(1));
    List<String> charged = new CopyOnWriteArrayList<>();
    CountDownLatch settled = new CountDownLatch(1);

    orchestrator =
        new Orchestrator(
            store,
            List.of(generator),
            settings().lease(Duration.ofMillis(100)).build(),
            clock,
            listener,
            promptId ->
                used -> {
                  charged.add(promptId + " " + used);
                  settled.countDown();
                },
            HandOver.NONE);
    orchestrator.start();
    awaitStatus(orphan.state().prompt().id(), ResultStatus.COMPLETED);
    settled.await();

    assertThat(charged).containsExactly(orphan.state().prompt().id() + " " + Usage.NONE);
  }

  @Test
  void aStopAnswersAWaitingOwnerPendingAfterReleasingItsLease() throws Exception {
    ScriptedGenerator generator = new ScriptedGenerator(Step.BLOCK);
    Orchestrator genie = orchestrator(generator, settings().build());
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      Future<Answer> owner = caller.submit(() -> genie.submit("cut short by a stop"));
      generator.blocked.await();

      genie.beginStop(Duration.ofMillis(50));
      Answer answer = owner.get(10, TimeUnit.SECONDS);

      assertThat(answer.outcome()).isEqualTo(Outcome.PENDING);
      StoredPrompt state = store.find(answer.state().prompt().id()).orElseThrow();
      assertThat(state.result().leaseLiveAt(clock.instant())).as("released").isFalse();
    } finally {
      caller.shutdownNow();
    }
  }

  private void awaitEvent(String event) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!listener.events.contains(event)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(event + " was never reported: " + listener.events);
      }
      Thread.sleep(5);
    }
  }

  @Test
  void anUnavailableStoreIsReportedAsSuch() {
    store.unavailable.set(true);
    Orchestrator genie = orchestrator(new ScriptedGenerator(Step.SUCCEED), settings().build());

    assertThatThrownBy(() -> genie.submit("anything"))
        .isInstanceOf(StoreUnavailableException.class);
  }

  private StoredPrompt awaitStatus(String promptId, ResultStatus status) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      StoredPrompt state = store.find(promptId).orElseThrow();
      if (state.result().status() == status) {
        return state;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("prompt " + promptId + " never became " + status);
  }
}
