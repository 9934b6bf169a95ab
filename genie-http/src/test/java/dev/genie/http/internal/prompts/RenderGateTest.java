package dev.genie.http.internal.prompts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.core.CoreErrorCode;
import dev.genie.core.GenieException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Renderings run within their bound, wait within the queue, and are refused beyond it. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RenderGateTest {
  @Test
  void beyondTheRunningAndTheQueuedTheNextIsRefusedAtOnce() throws Exception {
    RenderGate gate = new RenderGate(2, 1, "GENIE_PDF_CONCURRENCY=2, GENIE_PDF_QUEUE=1");
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(2);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(3);
    try {
      List<Future<String>> admitted = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        admitted.add(
            threads.submit(
                () ->
                    gate.run(
                        () -> {
                          mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                          started.countDown();
                          try {
                            release.await();
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                          running.decrementAndGet();
                          return "rendered";
                        })));
      }
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      awaitAdmitted(gate, 3);

      assertThatThrownBy(() -> gate.run(() -> "one too many"))
          .isInstanceOfSatisfying(
              GenieException.class, e -> assertThat(e.code()).isEqualTo(CoreErrorCode.OVERLOADED))
          .hasMessageContaining("GENIE_PDF_QUEUE=1");

      release.countDown();
      for (Future<String> future : admitted) {
        assertThat(future.get(10, TimeUnit.SECONDS)).isEqualTo("rendered");
      }
      assertThat(mostAtOnce.get()).isEqualTo(2);
      assertThat(gate.run(() -> "after")).isEqualTo("after");
    } finally {
      threads.shutdownNow();
    }
  }

  private static void awaitAdmitted(RenderGate gate, int count) throws InterruptedException {
    while (gate.admitted() < count) {
      Thread.sleep(5);
    }
  }
}
