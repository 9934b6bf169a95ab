package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.core.generate.Generation;
import dev.genie.core.generate.Generator;
import dev.genie.core.generate.SampleGenerator;
import dev.genie.http.GenieServer;
import dev.genie.it.support.Artifacts;
import dev.genie.it.support.CliRun;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One namespace floods a server on PostgreSQL with new prompts: another namespace's new prompt is
 * still among the next generations to start, and a new prompt beyond the generation queue is
 * answered 503 {@code OVERLOADED} at once, with nothing stored for it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GenerationQueueIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension final Artifacts artifacts = new Artifacts().serverLogs();
  @RegisterExtension final GenieInstances genies = new GenieInstances();

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int SLOTS = 2;
  private static final int QUEUE = 21;

  private final ExecutorService clients = Executors.newCachedThreadPool();
  private final GatedGenerator generator = new GatedGenerator();
  private TestDatabase database;

  @AfterEach
  void stop() {
    generator.gate.release(10_000);
    clients.shutdownNow();
  }

  /** Holds each generation until the test lets one through; records the order they started. */
  static final class GatedGenerator implements Generator {
    final Semaphore gate = new Semaphore(0);
    final BlockingQueue<String> started = new LinkedBlockingQueue<>();
    private final SampleGenerator sample = new SampleGenerator(Duration.ZERO);

    @Override
    public String name() {
      return "gated";
    }

    @Override
    public Generation generate(String normalizedPrompt) throws InterruptedException {
      started.add(normalizedPrompt);
      gate.acquire();
      return sample.generate(normalizedPrompt);
    }
  }

  @Test
  void aFloodingNamespaceNeitherStarvesAnotherNorQueuesWithoutBound() throws Exception {
    database = POSTGRES.server().freshDatabase();
    GenieServer genie =
        genies.sql(
            database,
            generator,
            Map.of(
                "GENIE_AUTH",
                "keys",
                "GENIE_GENERATION_CONCURRENCY",
                Integer.toString(SLOTS),
                "GENIE_GENERATION_QUEUE",
                Integer.toString(QUEUE),
                "GENIE_WAIT_TIMEOUT_MS",
                "60000"));
    String flooder = createKey("--name", "flooder", "--namespace", "flood");
    String other = createKey("--name", "other", "--namespace", "other");
    String admin = createKey("--name", "admin", "--admin");
    GenieClient flood = new GenieClient(genie.uri(), TIMEOUT, flooder);
    IntSupplier waiting = () -> genie.orchestrator().generationsWaiting();

    List<Future<GenieResponse>> flooded = new ArrayList<>();
    for (int i = 0; i < SLOTS + QUEUE - 1; i++) {
      String prompt = "flood prompt " + i;
      flooded.add(clients.submit(() -> flood.post(prompt)));
    }
    awaitWaiting(waiting, QUEUE - 1);
    Future<GenieResponse> another =
        clients.submit(() -> new GenieClient(genie.uri(), TIMEOUT, other).post("the other prompt"));
    awaitWaiting(waiting, QUEUE);

    GenieResponse refused = flood.post("one flood prompt too many");
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.errorCode()).isEqualTo("OVERLOADED");
    assertThat(refused.header("Retry-After")).isNotNull();
    assertThat(
            database.number(
                "SELECT count(*) FROM genie_prompts"
                    + " WHERE normalized_text = 'one flood prompt too many'"))
        .isZero();
    // One gauge for every namespace's line.
    assertThat(new GenieClient(genie.uri(), TIMEOUT, admin).get("/metrics").body())
        .containsPattern("(?m)^genie_generations_waiting " + QUEUE + "(\\.0)?$");

    List<String> started = new ArrayList<>();
    for (int i = 0; i < SLOTS; i++) {
      started.add(generator.started.take());
    }
    List<String> next = new ArrayList<>();
    for (int freed = 0; freed < 2; freed++) {
      generator.gate.release();
      next.add(generator.started.take());
    }
    generator.gate.release(10_000);

    assertThat(next).contains("the other prompt");
    assertThat(another.get().status()).isEqualTo(201);
    for (Future<GenieResponse> each : flooded) {
      assertThat(each.get().status()).isEqualTo(201);
    }
    assertThat(database.number("SELECT count(*) FROM genie_prompts")).isEqualTo(SLOTS + QUEUE);
    artifacts.summary(
        "figures",
        () ->
            "first generations "
                + started
                + "; after the other namespace's prompt, the next two to start: "
                + next
                + "; beyond the queue: "
                + refused.status()
                + " "
                + refused.errorCode());
  }

  /** Waits until {@code count} new prompts wait for a generation slot. */
  private static void awaitWaiting(IntSupplier waiting, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (waiting.getAsInt() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(waiting.getAsInt() + " of " + count + " prompts came to wait");
      }
      Thread.sleep(5);
    }
  }

  private String createKey(String... options) {
    String[] args = new String[options.length + 2];
    args[0] = "keys";
    args[1] = "create";
    System.arraycopy(options, 0, args, 2, options.length);
    CliRun run = CliRun.of(Map.of("DATABASE_URL", database.databaseUrl()), args);
    assertThat(run.status()).as("keys create: %s", run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    return lines.get(lines.size() - 1);
  }
}
