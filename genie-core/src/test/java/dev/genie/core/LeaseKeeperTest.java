package dev.genie.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.core.generate.SampleGenerator;
import dev.genie.core.internal.LeaseKeeper;
import dev.genie.persistence.Fence;
import dev.genie.persistence.LeaseTerms;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LeaseKeeperTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration LEASE = Duration.ofMillis(30);

  private final FakePromptStore store = new FakePromptStore();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  /**
   * A renewal under way when the run lets its lease go must not land after the release: it would
   * keep the lease for another whole lease, with nobody generating behind it.
   */
  @Test
  void aLeaseLetGoIsNotRenewedByARenewalUnderWay() throws Exception {
    Fence fence =
        store
            .claim(
                new Normalizer(100)
                    .normalize("a prompt let go", new SampleGenerator(Duration.ZERO).profile()),
                new LeaseTerms("owner", NOW, LEASE, 3))
            .lease()
            .orElseThrow();
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
    LeaseKeeper keeper =
        new LeaseKeeper(store, timer, () -> new LeaseTerms("owner", NOW, LEASE, 3));
    LeaseKeeper.Hold hold = keeper.hold(fence, Thread.currentThread(), Optional.empty());
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
    hold.close();

    assertThat(store.only().result().leaseLiveAt(NOW)).as("lease live after its release").isFalse();
    assertThat(renewals).hasValue(1);
  }
}
