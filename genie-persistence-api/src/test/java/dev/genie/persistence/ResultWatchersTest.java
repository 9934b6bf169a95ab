package dev.genie.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ResultWatchersTest {
  private final ResultWatchers watchers = new ResultWatchers();

  @Test
  void aWatchIsFoundUntilItCloses() {
    ResultWatch first = watchers.open("r");
    ResultWatch second = watchers.open("r");

    first.close();
    assertThat(watchers.isWatched("r")).isTrue();
    second.close();
    assertThat(watchers.isWatched("r")).isFalse();
  }

  /**
   * One thread opens a watch while another closes the last one on the same result, over and over:
   * the open watch must stay where a signal finds it, not in a set the close took off the map.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aWatchOpenedWhileAnotherClosesStaysFindable() throws Exception {
    int rounds = 100_000;
    CyclicBarrier start = new CyclicBarrier(2);
    CyclicBarrier closed = new CyclicBarrier(2);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<?> closing =
          threads.submit(
              () -> {
                for (int i = 0; i < rounds; i++) {
                  ResultWatch watch = watchers.open("r");
                  start.await();
                  watch.close();
                  closed.await();
                  closed.await(); // the other thread has checked and closed
                }
                return null;
              });
      Future<Integer> lost =
          threads.submit(
              () -> {
                int lostWatches = 0;
                for (int i = 0; i < rounds; i++) {
                  start.await();
                  ResultWatch watch = watchers.open("r");
                  closed.await();
                  if (!watchers.isWatched("r")) {
                    lostWatches++;
                  }
                  watch.close();
                  closed.await();
                }
                return lostWatches;
              });
      closing.get();
      assertThat(lost.get()).as("watches lost to a concurrent close").isZero();
    } finally {
      threads.shutdownNow();
    }
  }
}
