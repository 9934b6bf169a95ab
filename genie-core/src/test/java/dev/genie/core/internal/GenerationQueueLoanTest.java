package dev.genie.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.core.GenieException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Slots lent to a sweep while it looks for work: callers wait for them, none is turned away. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class GenerationQueueLoanTest {
  private final GenerationQueue queue = new GenerationQueue(2, 3, "the bounds");

  @Test
  void callersArrivingWhileASweepLooksWaitAndGetTheSlotsItFindsNoWorkFor() {
    assertThat(queue.lend(5)).isEqualTo(2);

    List<CompletableFuture<Void>> turns = new ArrayList<>();
    for (int i = 0; i < 5; i++) { // the two slots' callers and a full line
      turns.add(queue.acquire("flood"));
    }
    assertThat(turns).noneMatch(CompletableFuture::isDone);
    assertThatThrownBy(() -> queue.acquire("flood"))
        .isInstanceOfSatisfying(
            GenieException.class, e -> assertThat(e.getMessage()).contains("the bounds"));

    queue.endLoan(2, 0);

    assertThat(turns.subList(0, 2)).allMatch(CompletableFuture::isDone);
    assertThat(turns.subList(2, 5)).noneMatch(CompletableFuture::isDone);
    assertThat(queue.waiting()).isEqualTo(3);
    assertThatThrownBy(() -> queue.acquire("flood")).isInstanceOf(GenieException.class);
  }

  @Test
  void aSlotTheSweepKeepsRunsItsGenerationAndIsGivenBackOnce() {
    assertThat(queue.lend(1)).isEqualTo(1);
    CompletableFuture<Void> first = queue.acquire("a");
    assertThat(first).isDone(); // the other slot was still free

    queue.endLoan(1, 1);
    CompletableFuture<Void> waits = queue.acquire("a");
    assertThat(waits).isNotDone();

    queue.release(); // the sweep's generation ends
    assertThat(waits).isDone();
  }
}
