package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genie.http.GenieServer;
import dev.genie.it.support.Artifacts;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.RawHttp;
import dev.genie.it.support.SlowClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP limits, on real Undertow: body size, request head size, slow and idle clients, and load
 * beyond what the server takes on, which is shed with 503 instead of queued without end. The store
 * does not matter here; these servers use the legacy one.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LimitsIT {
  @RegisterExtension final Artifacts artifacts = new Artifacts();

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;
  @RegisterExtension final GenieInstances genies = new GenieInstances();
  private final ExecutorService clients = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    clients.shutdownNow();
  }

  @Test
  void aBodyPastTheLimitIs413WhetherDeclaredOrChunked() throws Exception {
    GenieServer genie =
        genies.legacy(
            dataDir,
            CountingGenerator.sample(Duration.ZERO),
            Map.of("GENIE_MAX_BODY_BYTES", "1024"));
    RawHttp http = new RawHttp(genie.uri());

    // Only the head: the declared length alone is refused, before any of the body is read.
    RawHttp.Response declared =
        http.send(
            RawHttp.request(
                "POST",
                "/prompts",
                "Content-Type: application/json\r\nContent-Length: 100000000\r\n",
                new byte[0]),
            PATIENCE);
    // A chunked upload of 64 MiB that the client keeps sending until the server answers.
    AtomicLong sent = new AtomicLong();
    RawHttp.Response chunked =
        new SlowClient(http, clients, PATIENCE).uploadChunked(64 << 20, sent);

    artifacts.summary(
        "figures",
        () ->
            "declared 100000000 bytes: "
                + declared.status()
                + " with 0 body bytes sent; chunked 64 MiB upload: "
                + chunked.status()
                + " after "
                + sent.get()
                + " bytes sent (limit 1024)");
    assertThat(declared.status()).isEqualTo(413);
    assertThat(JSON.readTree(declared.body()).path("error").path("code").asText())
        .isEqualTo("BODY_TOO_LARGE");
    assertThat(chunked.status()).isEqualTo(413);
    assertThat(sent.get()).as("bytes sent before the answer").isLessThan(64L << 20);
    assertThat(new GenieClient(genie.uri(), PATIENCE).get("/prompts").body())
        .isEqualTo("{\"items\":[],\"next\":null}");
  }

  @Test
  void aRequestHeadPastTheLimitsIsRefusedAndTheServerServesOn() throws Exception {
    GenieServer genie = genies.legacy(dataDir, CountingGenerator.sample(Duration.ZERO), Map.of());
    RawHttp http = new RawHttp(genie.uri());
    int custom = GenieServer.MAX_HEADERS - 2; // besides Host and Connection

    Map<String, Integer> statuses = new TreeMap<>();
    statuses.put("100 headers", health(http, headers(custom), ""));
    statuses.put("101 headers", health(http, headers(custom + 1), ""));
    statuses.put("a 12 KiB header", health(http, "X-Big: " + "a".repeat(12 * 1024) + "\r\n", ""));
    statuses.put("a 17 KiB header", health(http, "X-Big: " + "a".repeat(17 * 1024) + "\r\n", ""));
    statuses.put("a 20 KiB path", health(http, "", "?" + "a".repeat(20 * 1024)));
    int after = new GenieClient(genie.uri(), PATIENCE).get("/health").status();

    artifacts.summary("figures", () -> statuses + "; health afterwards " + after);
    assertThat(statuses)
        .containsEntry("100 headers", 200)
        .containsEntry("101 headers", 400)
        .containsEntry("a 12 KiB header", 200)
        .containsEntry("a 17 KiB header", 400)
        .containsEntry("a 20 KiB path", 400);
    assertThat(after).isEqualTo(200);
  }

  @Test
  void slowAndIdleClientsAreCutOffWithoutHoldingRequestThreads() throws Exception {
    GenieServer genie =
        genies.legacy(
            dataDir,
            CountingGenerator.sample(Duration.ZERO),
            Map.of(
                "GENIE_REQUEST_TIMEOUT_MS", "1000",
                "GENIE_IDLE_TIMEOUT_MS", "1500",
                "GENIE_MAX_CONCURRENT_REQUESTS", "2",
                "GENIE_MAX_QUEUED_REQUESTS", "50"));
    SlowClient slow = new SlowClient(new RawHttp(genie.uri()), clients, PATIENCE);
    GenieClient client = new GenieClient(genie.uri(), PATIENCE);

    // Slowloris: heads that never end, a line every 100 ms; they are parsed on IO threads.
    List<Future<Long>> slowHeads = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      slowHeads.add(clients.submit(slow::dripHead));
    }
    Future<Long> idle = clients.submit(slow::idle);
    // Two bodies that stall and one that trickles take both request slots.
    Future<RawHttp.Response> stalled1 = clients.submit(() -> slow.stallBody("stalled one"));
    Future<RawHttp.Response> stalled2 = clients.submit(() -> slow.stallBody("stalled two"));
    Future<RawHttp.Response> dripped = clients.submit(slow::dripBody);
    slow.awaitStarted(slowHeads.size() + 4, PATIENCE);
    long started = System.nanoTime();
    int healthMeanwhile = client.get("/health").status();
    long healthMillis = (System.nanoTime() - started) / 1_000_000;
    started = System.nanoTime();
    GenieResponse behind = client.post("a prompt behind the slow ones");
    long behindMillis = (System.nanoTime() - started) / 1_000_000;

    List<Long> headClosedMillis = new ArrayList<>();
    for (Future<Long> head : slowHeads) {
      headClosedMillis.add(head.get(30, TimeUnit.SECONDS));
    }
    long idleClosedMillis = idle.get(30, TimeUnit.SECONDS);
    List<RawHttp.Response> bodies =
        List.of(
            stalled1.get(30, TimeUnit.SECONDS),
            stalled2.get(30, TimeUnit.SECONDS),
            dripped.get(30, TimeUnit.SECONDS));
    String listed = client.get("/prompts").body();

    artifacts.summary(
        "figures",
        () ->
            "20 slow heads closed after max "
                + headClosedMillis.stream().mapToLong(Long::longValue).max().orElse(-1)
                + " ms; idle connection closed after "
                + idleClosedMillis
                + " ms; stalled and trickled bodies: "
                + bodies.stream().map(b -> b.status() + " after " + b.millis() + " ms").toList()
                + "; health meanwhile "
                + healthMeanwhile
                + " after "
                + healthMillis
                + " ms (a body still arriving holds no slot); a request after it "
                + behind.status()
                + " after "
                + behindMillis
                + " ms");
    assertThat(headClosedMillis).allSatisfy(ms -> assertThat(ms).isGreaterThanOrEqualTo(900));
    assertThat(idleClosedMillis).isGreaterThanOrEqualTo(1400);
    assertThat(bodies)
        .allSatisfy(
            body -> {
              assertThat(body.status()).isEqualTo(400);
              assertThat(body.body()).contains("INVALID_JSON", "GENIE_REQUEST_TIMEOUT_MS");
            });
    assertThat(healthMeanwhile).isEqualTo(200);
    assertThat(behind.status()).isEqualTo(201);
    assertThat(listed).contains("a prompt behind the slow ones").doesNotContain("stalled", "drip");
  }

  /** With no queue (0), everything past the two served is shed at once. */
  @ParameterizedTest(name = "GENIE_MAX_QUEUED_REQUESTS={0}")
  @ValueSource(ints = {2, 0})
  void loadPastTheLimitsIsShedWith503AndRetryAfter(int queued) throws Exception {
    // Generations on the request threads: only running handlers hold request slots.
    CountingGenerator generator = CountingGenerator.gatedOnTheRequestThread();
    GenieServer genie =
        genies.legacy(
            dataDir,
            generator,
            Map.of(
                "GENIE_MAX_CONCURRENT_REQUESTS",
                "2",
                "GENIE_MAX_QUEUED_REQUESTS",
                Integer.toString(queued)));
    GenieClient client = new GenieClient(genie.uri(), PATIENCE);

    List<Future<GenieResponse>> served = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      String prompt = "held " + i;
      served.add(clients.submit(() -> client.post(prompt)));
    }
    generator.awaitCalls(2, PATIENCE); // both slots taken, held in the generator
    List<Future<GenieResponse>> more = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String prompt = "more " + i;
      more.add(clients.submit(() -> client.post(prompt)));
    }
    // Those that fit the queue wait; the others must be answered now, while the gate is shut.
    List<GenieResponse> shed = awaitDone(more, 6 - queued);
    generator.open();
    List<GenieResponse> all = new ArrayList<>();
    for (Future<GenieResponse> f : served) {
      all.add(f.get(30, TimeUnit.SECONDS));
    }
    for (Future<GenieResponse> f : more) {
      all.add(f.get(30, TimeUnit.SECONDS));
    }
    Map<Integer, Integer> statuses = new TreeMap<>();
    all.forEach(r -> statuses.merge(r.status(), 1, Integer::sum));
    String listed = client.get("/prompts").body();
    int stored = JSON.readTree(listed).path("items").size();

    artifacts.summary(
        "figures",
        () ->
            "8 requests with 2 slots and "
                + queued
                + " queue places: "
                + statuses
                + "; answered while the slots were held: "
                + shed.stream().map(r -> r.status() + " " + r.errorCode()).toList()
                + "; prompts stored "
                + stored);
    assertThat(shed)
        .hasSize(6 - queued)
        .allSatisfy(
            r -> {
              assertThat(r.status()).isEqualTo(503);
              assertThat(r.errorCode()).isEqualTo("OVERLOADED");
              assertThat(r.header("Retry-After")).isEqualTo("1");
              assertThat(r.header("Content-Type")).isEqualTo("application/json");
              assertThat(r.header("X-Request-Id")).isNotBlank();
            });
    assertThat(statuses).containsEntry(201, 2 + queued).containsEntry(503, 6 - queued).hasSize(2);
    assertThat(stored).isEqualTo(2 + queued);
  }

  @Test
  void pastTheWaitingPlacesACallerIsAnswered202AtOnce() throws Exception {
    CountingGenerator generator = CountingGenerator.gated();
    GenieServer genie =
        genies.legacy(
            dataDir,
            generator,
            Map.of("GENIE_MAX_WAITING_REQUESTS", "2", "GENIE_MAX_CONCURRENT_REQUESTS", "2"));
    GenieClient client = new GenieClient(genie.uri(), PATIENCE);

    List<Future<GenieResponse>> waiting = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      String prompt = "waiting " + i;
      waiting.add(clients.submit(() -> client.post(prompt)));
    }
    generator.awaitCalls(2, PATIENCE); // both places taken by callers waiting for a generation
    List<Future<GenieResponse>> more = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String prompt = "no place " + i;
      more.add(clients.submit(() -> client.post(prompt)));
    }
    List<GenieResponse> atOnce = awaitDone(more, 4);
    int health = client.get("/health").status();
    boolean stillWaiting = waiting.stream().noneMatch(Future::isDone);
    generator.open();
    List<Integer> waited = new ArrayList<>();
    for (Future<GenieResponse> f : waiting) {
      waited.add(f.get(30, TimeUnit.SECONDS).status());
    }

    artifacts.summary(
        "figures",
        () ->
            "2 waiting places: 4 more callers answered "
                + atOnce.stream().map(GenieResponse::status).toList()
                + " at once, /health "
                + health
                + ", the 2 waiting got "
                + waited);
    assertThat(stillWaiting).isTrue();
    assertThat(atOnce)
        .allSatisfy(
            r -> {
              assertThat(r.status()).isEqualTo(202);
              assertThat(r.header("Location")).isEqualTo("/prompts/" + r.text("promptId"));
            });
    assertThat(health).isEqualTo(200);
    assertThat(waited).containsOnly(201);
  }

  private int health(RawHttp http, String headLines, String query) throws IOException {
    return http.send(RawHttp.request("GET", "/health" + query, headLines, new byte[0]), PATIENCE)
        .status();
  }

  private static String headers(int count) {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < count; i++) {
      lines.append("X-Header-").append(i).append(": ").append(i).append("\r\n");
    }
    return lines.toString();
  }

  private static List<GenieResponse> awaitDone(List<Future<GenieResponse>> futures, int count)
      throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (futures.stream().filter(Future::isDone).count() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("fewer than " + count + " requests were answered in " + PATIENCE);
      }
      Thread.sleep(10);
    }
    List<GenieResponse> done = new ArrayList<>();
    for (Future<GenieResponse> f : futures) {
      if (f.isDone()) {
        done.add(f.get());
      }
    }
    return done;
  }
}
