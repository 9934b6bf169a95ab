package dev.genie.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.core.generate.SampleGenerator;
import dev.genie.core.internal.PendingResults;
import dev.genie.persistence.Claim;
import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.Result;
import dev.genie.persistence.StoreUnavailableException;
import dev.genie.persistence.StoredPrompt;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shared waits of one process: the last caller to leave a result's wait ends it, once. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PendingResultsTest {
  private static final int ROUNDS = 50_000;

  /** Spin steps by which either caller is held back, swept over the rounds. */
  private static final int OFFSETS = 48;

  private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");

  private final FakePromptStore store = new FakePromptStore();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  /**
   * Each round, two callers wait for one pending result and leave at the same moment: two threads
   * handing over by spinning, held back by offsets that the rounds sweep. Exactly one of them must
   * end the shared wait: its watch closed once, and nothing left watched.
   */
  @Test
  void twoCallersLeavingAtOnceEndTheWaitExactlyOnce() throws Exception {
    PendingResults pending = pendingResults(Runnable::run); // the watch opens as the wait starts
    StoredPrompt seen = pendingPrompt();
    Rounds rounds = new Rounds(pending, seen);
    CompletableFuture<Void> second = CompletableFuture.runAsync(rounds::secondCaller, daemons());
    List<String> faults = CompletableFuture.supplyAsync(rounds::firstCaller, daemons()).get();
    second.get(5, TimeUnit.SECONDS);

    assertThat(faults).as("rounds that did not end the wait exactly once").isEmpty();
    assertThat(store.watchesClosedAgain.get()).as("watches closed twice").isZero();
    assertThat(store.openWatches.get()).as("watches left open").isZero();
    assertThat(pending.watched()).as("results still watched").isZero();
  }

  /** A wait whose callers all left before its watch was opened closes the watch it then opens. */
  @Test
  void aWatchOpenedAfterEveryCallerLeftIsClosed() throws Exception {
    List<Runnable> queued = new ArrayList<>();
    PendingResults pending = pendingResults(queued::add); // the watch opens when we say
    PendingResults.Wait wait = pending.join(pendingPrompt());
    wait.leave();
    assertThat(queued).hasSize(1);

    queued.get(0).run();

    assertThat(store.openWatches.get()).as("watches left open").isZero();
    assertThat(pending.watched()).isZero();
  }

  @Test
  void aWaiterIsWokenByTheChangeOfItsResult() throws Exception {
    PendingResults pending = pendingResults(Runnable::run); // reads on the signalling thread
    Claim claim = pendingClaim();
    PendingResults.Wait wait = pending.join(claim.state());
    assertThat(wait.settled()).isNotDone();

    store.complete(claim.lease().orElseThrow(), "{\"version\":1}", NOW);

    assertThat(wait.settled()).as("woken by the watch, not the pause of 10 s").isDone();
    assertThat(wait.settled().get().result().envelope()).isEqualTo("{\"version\":1}");
    assertThat(store.openWatches.get()).as("closed once settled").isZero();
    assertThat(pending.watched()).isZero();
  }

  /**
   * A prompt seen on a primary that crashed before its standby confirmed the prompt's creation is
   * gone after the failover: its waiters are answered as by a store that cannot serve.
   */
  @Test
  void aPromptLostInAFailoverEndsItsWaitAsAStoreThatCannotServe() {
    PendingResults pending = pendingResults(Runnable::run);
    Claim claim = pendingClaim();
    PendingResults.Wait wait = pending.join(claim.state());
    store.lostPrompts.add(claim.state().prompt().id());

    store.complete(claim.lease().orElseThrow(), "{\"version\":1}", NOW); // wakes the wait

    assertThat(wait.settled()).isCompletedExceptionally();
    assertThatThrownBy(() -> wait.settled().join())
        .hasCauseInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("send the prompt again");
  }

  @Test
  void onlyTheLastCallerToLeaveEndsTheWait() {
    PendingResults pending = pendingResults(Runnable::run);
    StoredPrompt seen = pendingPrompt();
    PendingResults.Wait first = pending.join(seen);
    PendingResults.Wait second = pending.join(seen);
    PendingResults.Wait third = pending.join(seen);

    first.leave();
    first.leave(); // twice counts once
    second.leave();
    assertThat(store.openWatches.get()).as("open while a caller waits").isEqualTo(1);
    assertThat(pending.watched()).isEqualTo(1);
    third.leave();

    assertThat(store.openWatches.get()).isZero();
    assertThat(pending.watched()).isZero();
    assertThat(third.settled()).isNotDone();
  }

  private PendingResults pendingResults(Executor reads) {
    return new PendingResults(
        store, timer, reads, Duration.ofSeconds(10), Duration.ofSeconds(10), 3, new Nobody());
  }

  /** A prompt pending under a lease that outlives the test. */
  private StoredPrompt pendingPrompt() {
    return pendingClaim().state();
  }

  private Claim pendingClaim() {
    return store.claim(
        new Normalizer(100)
            .normalize("a prompt waited for", new SampleGenerator(Duration.ZERO).profile()),
        new LeaseTerms("owner", NOW, Duration.ofDays(1), 3));
  }

  /** The two callers of every round, handing over by spinning on volatile round numbers. */
  private final class Rounds {
    private final PendingResults pending;
    private final StoredPrompt seen;
    private volatile PendingResults.Wait secondWait;
    private volatile int started = -1;
    private volatile int secondLeft = -1;

    Rounds(PendingResults pending, StoredPrompt seen) {
      this.pending = pending;
      this.seen = seen;
    }

    List<String> firstCaller() {
      List<String> faults = new ArrayList<>();
      for (int round = 0; round < ROUNDS; round++) {
        int closedAgain = store.watchesClosedAgain.get();
        PendingResults.Wait first = pending.join(seen);
        secondWait = pending.join(seen);
        started = round;
        spin(round % OFFSETS);
        first.leave();
        for (int spins = 0; secondLeft != round; spins++) {
          pause(spins);
        }
        if (store.watchesClosedAgain.get() != closedAgain || store.openWatches.get() != 0) {
          faults.add(
              "round "
                  + round
                  + ": "
                  + (store.watchesClosedAgain.get() - closedAgain)
                  + " closed again, "
                  + store.openWatches.get()
                  + " open");
        }
      }
      return faults;
    }

    void secondCaller() {
      for (int round = 0; round < ROUNDS; round++) {
        for (int spins = 0; started != round; spins++) {
          pause(spins);
        }
        PendingResults.Wait wait = secondWait;
        spin((round / OFFSETS) % OFFSETS);
        wait.leave();
        secondLeft = round;
      }
    }

    /** Spins while the other thread is likely running; yields once it is likely not. */
    private static void pause(int spins) {
      if (spins < 1_000) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
    }

    private static void spin(int steps) {
      for (int i = 0; i < steps; i++) {
        Thread.onSpinWait();
      }
    }
  }

  /** An orchestrator that never takes a lease over: the results stay pending. */
  private static final class Nobody implements PendingResults.Owner {
    @Override
    public Instant now() {
      return NOW;
    }

    @Override
    public boolean stopping() {
      return false;
    }

    @Override
    public Optional<Claim> takeOver(Result result, Instant now) {
      return Optional.empty();
    }

    @Override
    public CompletableFuture<Optional<StoredPrompt>> generate(Claim claim) {
      throw new AssertionError("nothing is taken over here");
    }

    @Override
    public RuntimeException failure(StoredPrompt exhausted) {
      return new IllegalStateException("nothing fails here");
    }

    @Override
    public boolean failureIsTheAnswer(StoredPrompt failed) {
      return false;
    }
  }

  private static Executor daemons() {
    return task -> {
      Thread thread = new Thread(task, "pending-results-test");
      thread.setDaemon(true);
      thread.start();
    };
  }
}
