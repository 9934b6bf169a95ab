package dev.genie.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.core.generate.SampleGenerator;
import dev.genie.core.internal.LeaseKeeper;
import dev.genie.core.internal.RunningGenerations;
import dev.genie.core.internal.RunningGenerations.Reason;
import dev.genie.persistence.Fence;
import dev.genie.persistence.LeaseTerms;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The renewal loop, ticked by hand on a ticker the tests move. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LeaseKeeperTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration LEASE = Duration.ofSeconds(30);

  private final FakePromptStore store = new FakePromptStore();
  private final FakeTicker ticker = new FakeTicker();
  private final RunningGenerations running = new RunningGenerations(ticker);
  private final LeaseKeeper keeper =
      new LeaseKeeper(store, running, ticker, () -> new LeaseTerms("owner", NOW, LEASE, 3));

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted(); // a failed test must not leave the runner's thread interrupted
  }

  /**
   * A renewal under way when the run lets its lease go must not land after the release: it would
   * keep the lease for another whole lease, with nobody generating behind it.
   */
  @Test
  void aLeaseLetGoIsNotRenewedByARenewalUnderWay() throws Exception {
    Fence fence = claim("a prompt let go");
    CountDownLatch underWay = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    AtomicInteger renewals = new AtomicInteger();
    store.beforeRenewal =
        () -> {
          renewals.incrementAndGet();
          underWay.countDown();
          try {
            proceed.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    LeaseKeeper.Hold hold = keeper.hold(fence);
    Thread tick = new Thread(keeper::tick);
    tick.start();
    underWay.await();

    Thread letGo =
        new Thread(
            () -> {
              keeper.stopRenewing(fence);
              store.release(fence, NOW);
            });
    letGo.start();
    // Observed, not slept on: the release has either happened or waits for the renewal.
    while (letGo.isAlive() && letGo.getState() == Thread.State.RUNNABLE) {
      Thread.onSpinWait();
    }
    proceed.countDown();
    letGo.join();
    tick.join();
    keeper.tick();
    hold.close();

    assertThat(store.only().result().leaseLiveAt(NOW)).as("lease live after its release").isFalse();
    assertThat(renewals).as("renewals, the one under way included").hasValue(1);
  }

  @Test
  void everyLeaseHeldIsRenewedWithOneCallPerTick() {
    Fence first = claim("first");
    Fence second = claim("second");
    Fence third = claim("third");
    keeper.hold(first);
    keeper.hold(second);
    LeaseKeeper.Hold let = keeper.hold(third);

    keeper.tick();
    let.close();
    keeper.tick();

    assertThat(store.renewals).hasSize(2);
    assertThat(store.renewals.get(0)).containsExactlyInAnyOrder(first, second, third);
    assertThat(store.renewals.get(1)).containsExactlyInAnyOrder(first, second);
  }

  @Test
  void aTickWithNoLeaseHeldCallsNothing() {
    keeper.tick();

    assertThat(store.renewals).isEmpty();
  }

  @Test
  void aLeaseTheStoreDidNotRenewCancelsItsRunAndIsRenewedNoMore() {
    Fence kept = claim("kept");
    Fence lost = claim("taken over elsewhere");
    keeper.hold(kept);
    keeper.hold(lost);
    RunningGenerations.Run run = running.begin(lost);
    run.attach(Optional.empty());
    store.takeOver(lost, new LeaseTerms("elsewhere", NOW.plus(LEASE.multipliedBy(2)), LEASE, 3));

    keeper.tick();

    assertThat(run.cancelled()).contains(Reason.FENCED_OUT);
    assertThat(Thread.currentThread().isInterrupted()).as("the run's thread interrupted").isTrue();
    run.close();
    assertThat(Thread.currentThread().isInterrupted())
        .as("the interrupt cleared at its end")
        .isFalse();
    keeper.tick();
    assertThat(store.renewals.get(1)).containsExactly(kept);
  }

  @Test
  void aRenewalThatFailsCancelsNothing() {
    Fence fence = claim("renewed later");
    keeper.hold(fence);
    RunningGenerations.Run run = running.begin(fence);
    run.attach(Optional.empty());
    store.unavailable.set(true);

    keeper.tick();
    store.unavailable.set(false);
    keeper.tick();

    assertThat(run.cancelled()).isEmpty();
    assertThat(store.renewals).hasSize(2);
    run.close();
  }

  @Test
  void aGenerationPastItsTimeoutIsCancelledAndItsLeaseNoLongerRenewed() {
    Fence fence = claim("never ends");
    LeaseKeeper.Hold hold = keeper.hold(fence);
    RunningGenerations.Run run = running.begin(fence);
    run.attach(Optional.of(Duration.ofSeconds(5)));

    keeper.tick();
    ticker.advance(Duration.ofSeconds(5));
    keeper.tick();
    assertThat(run.cancelled()).as("cancelled at its timeout, not before").isEmpty();
    ticker.advance(Duration.ofMillis(1));
    keeper.tick();

    assertThat(run.cancelled()).contains(Reason.TIMED_OUT);
    assertThat(Thread.interrupted()).as("the run's thread interrupted").isTrue();
    keeper.tick();
    assertThat(store.renewals).hasSize(2); // the two ticks within the timeout
    assertThat(hold.liveUntilNanos())
        .as("confirmed last by the tick at the timeout")
        .isEqualTo(ticker.nanoTime() - Duration.ofMillis(1).toNanos() + LEASE.toNanos());
    run.close();
  }

  @Test
  void aGenerationThatReturnedIsNoLongerTimed() {
    Fence fence = claim("returned in time");
    keeper.hold(fence);
    RunningGenerations.Run run = running.begin(fence);
    run.attach(Optional.of(Duration.ofSeconds(5)));

    run.generated();
    ticker.advance(Duration.ofMinutes(1));
    keeper.tick();

    assertThat(run.cancelled()).isEmpty();
    assertThat(store.renewals).hasSize(1);
    run.close();
  }

  @Test
  void aRunCancelledBeforeItsThreadTookItUpIsInterruptedAsItDoes() {
    Fence fence = claim("stopped in line");
    RunningGenerations.Run run = running.begin(fence);
    running.cancel(fence, Reason.STOPPED);

    run.attach(Optional.empty());

    assertThat(Thread.interrupted()).isTrue();
    run.close();
    running.cancel(fence, Reason.STOPPED);
    assertThat(Thread.interrupted()).as("never interrupted after its end").isFalse();
  }

  @Test
  void aLeaseConfirmedByATickIsLiveForALeaseFromThatTick() {
    Fence fence = claim("confirmed");
    LeaseKeeper.Hold hold = keeper.hold(fence);
    long held = ticker.nanoTime();

    ticker.advance(Duration.ofSeconds(10));
    keeper.tick();

    assertThat(hold.liveUntilNanos() - held).isEqualTo(Duration.ofSeconds(40).toNanos());
  }

  private Fence claim(String text) {
    return store
        .claim(
            new Normalizer(100).normalize(text, new SampleGenerator(Duration.ZERO).profile()),
            new LeaseTerms("owner", NOW, LEASE, 3))
        .lease()
        .orElseThrow();
  }
}
