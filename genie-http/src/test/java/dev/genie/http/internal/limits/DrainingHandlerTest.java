package dev.genie.http.internal.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A stop and the requests arriving at that moment: each request is either counted or refused. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DrainingHandlerTest {
  private static final int ROUNDS = 100_000;

  /**
   * Spin steps by which either side is held back, swept over the rounds so that all offsets meet.
   */
  private static final int OFFSETS = 64;

  /**
   * Each round, a request arrives just as a stop begins: two threads, released together by a
   * spinning hand-off and held back by offsets that the rounds sweep. The stop reads the count once
   * it refuses new requests; the request, if let in, stays in until that read is done. A stop that
   * read zero while a request was let in would close the server under it.
   */
  @Test
  void noRequestIsLetInAfterAStopHasSeenNoneInFlight() throws Exception {
    Round rounds = new Round();
    CompletableFuture<Void> requests = CompletableFuture.runAsync(rounds::requests, daemons());
    CompletableFuture<List<Integer>> stops =
        CompletableFuture.supplyAsync(rounds::stops, daemons());
    List<Integer> slippedPast = stops.get(50, TimeUnit.SECONDS);
    requests.get(5, TimeUnit.SECONDS);
    System.out.println(
        "[DrainingHandlerTest] "
            + ROUNDS
            + " rounds: "
            + rounds.admitted.get()
            + " requests let in, "
            + (ROUNDS - rounds.admitted.get())
            + " refused");
    assertThat(rounds.admitted.get()).as("requests let in").isPositive();
    assertThat(ROUNDS - rounds.admitted.get()).as("requests refused").isPositive();
    assertThat(slippedPast)
        .as("rounds in which a request was let in after the stop saw none in flight")
        .isEmpty();
  }

  @Test
  void aDrainWaitsForTheRequestsInFlightAndRefusesNewOnes() throws Exception {
    DrainingHandler draining = new DrainingHandler(exchange -> {});
    assertThat(draining.enter()).isTrue();
    assertThat(draining.drain(Duration.ofMillis(50))).as("drained with one in flight").isFalse();
    assertThat(draining.enter()).as("a request after the drain began").isFalse();
    assertThat(draining.inFlight()).isEqualTo(1);
    draining.exit();
    assertThat(draining.drain(Duration.ofMillis(50))).isTrue();
  }

  /** The two sides of every round, handing over by spinning on volatile round numbers. */
  private static final class Round {
    private volatile DrainingHandler current;
    private volatile int started = -1;
    private volatile int looked = -1;
    private volatile int requestDone = -1;
    private volatile boolean requestIn;
    private final AtomicInteger admitted = new AtomicInteger();

    List<Integer> stops() {
      List<Integer> slippedPast = new ArrayList<>();
      for (int round = 0; round < ROUNDS; round++) {
        DrainingHandler draining = new DrainingHandler(exchange -> {});
        current = draining;
        started = round;
        spin(round % OFFSETS);
        draining.refuseNew();
        boolean sawNone = draining.inFlight() == 0;
        looked = round;
        for (int spins = 0; requestDone != round; spins++) {
          pause(spins);
        }
        if (requestIn && sawNone) {
          slippedPast.add(round);
        }
        if (draining.inFlight() != 0) {
          throw new AssertionError("round " + round + " left " + draining.inFlight() + " in");
        }
      }
      return slippedPast;
    }

    void requests() {
      for (int round = 0; round < ROUNDS; round++) {
        for (int spins = 0; started != round; spins++) {
          pause(spins);
        }
        DrainingHandler draining = current;
        spin((round / OFFSETS) % OFFSETS);
        boolean in = draining.enter();
        for (int spins = 0; looked != round; spins++) {
          pause(spins); // in flight until the stop has looked
        }
        if (in) {
          admitted.incrementAndGet();
          draining.exit();
        }
        requestIn = in;
        requestDone = round;
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

  private static java.util.concurrent.Executor daemons() {
    return task -> {
      Thread thread = new Thread(task, "draining-test");
      thread.setDaemon(true);
      thread.start();
    };
  }
}
