package dev.genie.http.internal.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.persistence.StoreUnavailableException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /health} asks the store at most once per {@link HealthCheck#FRESH}, and a store that does
 * not answer (a database gone, whose ping waits out its timeout) holds no caller for the ping.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HealthCheckTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final AtomicInteger pings = new AtomicInteger();

  @Test
  void manyCallsAskTheStoreOncePerSecond() {
    HealthCheck check = new HealthCheck(pings::incrementAndGet, nanos::get);
    for (int i = 0; i < 1_000; i++) {
      assertThat(check.check().ok()).isTrue();
    }
    assertThat(pings).hasValue(1);

    nanos.addAndGet(HealthCheck.FRESH.toNanos());
    assertThat(check.check().ok()).isTrue();
    assertThat(pings).hasValue(2);
  }

  @Test
  void aPingThatHangsIsNotWaitedForAndNotRepeated() throws Exception {
    CountDownLatch gone = new CountDownLatch(1);
    HealthCheck check =
        new HealthCheck(
            () -> {
              pings.incrementAndGet();
              try {
                gone.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              throw new StoreUnavailableException("PostgreSQL at db:5432 is unavailable", null);
            },
            nanos::get);

    for (int i = 0; i < 5; i++) {
      // each returns while the ping still hangs: none waited for it
      assertThat(check.check().ok()).isFalse();
      assertThat(gone.getCount()).isOne();
    }
    assertThat(pings).as("one ping under way, not one per caller").hasValue(1);

    gone.countDown();
  }
}
