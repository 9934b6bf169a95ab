package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.http.GenieServer;
import dev.genie.it.support.Burst;
import dev.genie.it.support.Exchange;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.InvariantChecker;
import dev.genie.it.support.RawHttp;
import dev.genie.it.support.SlowClient;
import dev.genie.it.support.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Waiting holds no thread: while hundreds of callers wait for one generation and slow clients
 * trickle their bodies in, {@code /health}, {@code /metrics}, a {@code GET} and a POST of a
 * completed prompt are answered, before the generation is let finish. How fast is the benchmark's
 * business (bench/waiters.sh); this asserts that they are answered at all while the others wait.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WaitingIT extends InstancesOnPostgres {
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final int WAITERS = 300;
  private static final int SLOW_BODIES = 16;

  private final ExecutorService background = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    background.shutdownNow();
  }

  @Test
  void healthReadsAndCompletedPromptsAreAnsweredWhileHundredsWait() throws Exception {
    TestDatabase database = POSTGRES.server().freshDatabase();
    String prompt = "A prompt hundreds of callers wait for";
    String done = "A prompt completed before the crowd came";
    GenieServer seeding = genies.sql(database, CountingGenerator.sample(Duration.ZERO), Map.of());
    GenieResponse first = new GenieClient(seeding.uri(), PATIENCE).post(done);
    seeding.stop();
    CountingGenerator crowdGate = CountingGenerator.gated();
    GenieServer genie = genies.sql(database, crowdGate, Map.of("GENIE_WAIT_TIMEOUT_MS", "120000"));
    GenieClient crowd = new GenieClient(genie.uri(), PATIENCE);

    Future<?> waiting =
        background.submit(() -> new Burst(WAITERS, PATIENCE).post(history, crowd, i -> prompt));
    SlowClient slow = new SlowClient(new RawHttp(genie.uri()), background, PATIENCE);
    List<Future<RawHttp.Response>> stalled = new ArrayList<>();
    for (int i = 0; i < SLOW_BODIES; i++) {
      stalled.add(background.submit(() -> slow.stallBody("a body that never ends")));
    }
    GenieInstances.awaitClaims(crowd, WAITERS, PATIENCE);

    GenieResponse health = crowd.get("/health");
    GenieResponse metrics = crowd.get("/metrics");
    GenieResponse read = crowd.get("/prompts/" + first.text("promptId"));
    GenieResponse completed = crowd.post(done);
    boolean stillWaiting = !waiting.isDone() && crowdGate.calls() == 1;
    crowdGate.open();
    waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    for (Future<RawHttp.Response> f : stalled) {
      f.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    artifacts.summary(
        "figures",
        () ->
            String.format(
                "%d callers waiting and %d bodies stalled: /health %d, /metrics %d, GET %d,"
                    + " completed POST %d, all before the generation finished; then the crowd: %s",
                WAITERS,
                SLOW_BODIES,
                health.status(),
                metrics.status(),
                read.status(),
                completed.status(),
                history.summary()));
    assertThat(stillWaiting)
        .as("the crowd was still waiting when the probes were answered")
        .isTrue();
    assertThat(health.status()).isEqualTo(200);
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(read.status()).isEqualTo(200);
    assertThat(completed.status()).isEqualTo(200);
    assertThat(completed.envelopeText()).isEqualTo(first.envelopeText());
    assertThat(history.exchanges()).extracting(Exchange::httpStatus).containsOnly(200, 201);
    assertThat(crowdGate.calls()).isEqualTo(1);
    InvariantChecker checker =
        new InvariantChecker(history, Map.of(prompt, Set.of(prompt), done, Set.of(done)));
    try (Connection connection = database.connect()) {
      checker.checkSql(connection);
    }
  }
}
