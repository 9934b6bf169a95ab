package dev.genie.http.internal.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
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

  /**
   * Over HTTP: a request is counted from its arrival until its exchange completes, whatever thread
   * ends it; once a stop has begun, the next is answered 503 {@code SHUTTING_DOWN}, on a connection
   * that closes, without reaching the routes; the one in flight still gets its answer, and the
   * drain then ends with none left.
   */
  @Test
  void aStopRefusesNewRequestsWhileTheOneInFlightIsAnswered() throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger routed = new AtomicInteger();
    DrainingHandler draining =
        new DrainingHandler(
            exchange -> {
              routed.incrementAndGet();
              exchange.dispatch(
                  () -> {
                    arrived.countDown();
                    try {
                      release.await();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    exchange.getResponseSender().send("answered");
                  });
            });
    Undertow server =
        Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(draining).build();
    server.start();
    try {
      URI uri = uri(server);
      HttpClient client = HttpClient.newHttpClient();
      CompletableFuture<HttpResponse<String>> inFlight =
          client.sendAsync(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString());
      arrived.await();
      assertThat(draining.inFlight()).as("counted while its handler holds it").isEqualTo(1);

      draining.refuseNew();
      HttpResponse<String> refused =
          client.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString());

      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.body()).contains("SHUTTING_DOWN", "Genie is stopping; retry elsewhere");
      assertThat(refused.headers().firstValue("Retry-After")).contains("1");
      assertThat(refused.headers().firstValue("Connection"))
          .hasValueSatisfying(value -> assertThat(value).isEqualToIgnoringCase("close"));
      assertThat(routed.get()).as("requests that reached the routes").isEqualTo(1);
      assertThat(draining.inFlight()).as("the refused one is not counted").isEqualTo(1);

      release.countDown();
      assertThat(inFlight.get().body()).isEqualTo("answered");
      // Bounded by the test's timeout, not by a grace: the count ends at zero once the exchange
      // completes, which may be just after the client has read the answer.
      assertThat(draining.drain(Duration.ofDays(1))).isTrue();
      assertThat(draining.inFlight()).isZero();
    } finally {
      release.countDown();
      server.stop();
    }
  }

  /** Every exchange is counted out once, also one its handler failed or answered at once. */
  @Test
  void everyExchangeIsCountedOutOnce() throws Exception {
    DrainingHandler draining =
        new DrainingHandler(
            exchange -> {
              if (exchange.getRequestPath().equals("/fails")) {
                throw new IllegalStateException("a handler that fails");
              }
              exchange.getResponseSender().send("ok");
            });
    Undertow server =
        Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(draining).build();
    server.start();
    try {
      HttpClient client = HttpClient.newHttpClient();
      for (String path : List.of("/", "/fails", "/", "/fails", "/")) {
        client.send(
            HttpRequest.newBuilder(uri(server).resolve(path)).build(), BodyHandlers.discarding());
      }
      assertThat(draining.drain(Duration.ofDays(1))).isTrue();
      assertThat(draining.inFlight()).isZero();
      assertThat(draining.enter()).as("a request after the drain").isFalse();
      assertThat(draining.inFlight()).as("and it was not counted").isZero();
    } finally {
      server.stop();
    }
  }

  private static URI uri(Undertow server) {
    InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
    return URI.create("http://127.0.0.1:" + address.getPort() + "/");
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
