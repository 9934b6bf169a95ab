package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.http.GenieServer;
import dev.genie.it.support.Burst;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.PostgresServer;
import dev.genie.it.support.TestDatabase;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Generation on the SQL store: no connection held while it runs, and failures with retries. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GenerationIT extends InstancesOnPostgres {
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  /** The smallest pool the settings accept serves: migrations take connections of their own. */
  @Test
  void aPoolOfOneServesTwentySlowGenerationsAtOnce(PostgresServer postgres) throws Exception {
    TestDatabase database = postgres.freshDatabase();
    CountingGenerator generator = CountingGenerator.sample(Duration.ofMillis(200));
    GenieServer genie = genies.sql(database, generator, Map.of("GENIE_DB_POOL_SIZE", "1"));
    GenieClient client = new GenieClient(genie.uri(), PATIENCE);

    new Burst(20, PATIENCE).post(history, client, i -> "prompt " + i + " on one connection");

    assertThat(history.exchanges()).allSatisfy(e -> assertThat(e.httpStatus()).isEqualTo(201));
    assertThat(generator.calls()).isEqualTo(20);
    assertThat(database.number("SELECT count(*) FROM genie_results WHERE status = 'completed'"))
        .isEqualTo(20);
  }

  @Test
  void aPoolOfTwoServesFiftySlowGenerationsAtOnce(PostgresServer postgres) throws Exception {
    TestDatabase database = postgres.freshDatabase();
    CountingGenerator generator = CountingGenerator.sample(Duration.ofMillis(500));
    GenieServer genie =
        genies.sql(
            database, generator, Map.of("GENIE_DB_POOL_SIZE", "2", "GENIE_WORKER_THREADS", "64"));
    GenieClient client = new GenieClient(genie.uri(), PATIENCE);

    new Burst(50, PATIENCE).post(history, client, i -> "slow prompt " + i);

    String overlap = "at most " + generator.mostAtOnce() + " generations at once on 2 connections";
    artifacts.summary("overlap", () -> overlap);
    assertThat(history.exchanges()).allSatisfy(e -> assertThat(e.httpStatus()).isEqualTo(201));
    assertThat(generator.calls()).isEqualTo(50);
    assertThat(generator.mostAtOnce())
        .as("generations running together: more than the pool, so none holds a connection")
        .isGreaterThan(2);
    assertThat(database.number("SELECT count(*) FROM genie_results WHERE status = 'completed'"))
        .isEqualTo(50);
  }

  @Test
  void aFailedGenerationIsReportedVisibleAndRetriedByTheNextCaller(PostgresServer postgres)
      throws Exception {
    TestDatabase database = postgres.freshDatabase();
    CountingGenerator generator = CountingGenerator.failing(1);
    GenieClient client = new GenieClient(genies.sql(database, generator, Map.of()).uri(), PATIENCE);

    GenieResponse failed = client.post("flaky prompt");
    GenieResponse read = client.get(failed.header("Location"));
    GenieResponse retried = client.post("flaky prompt");

    assertThat(failed.status()).isEqualTo(502);
    assertThat(failed.errorCode()).isEqualTo("GENERATION_FAILED");
    assertThat(failed.header("Location")).startsWith("/prompts/");
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.text("status")).isEqualTo("failed");
    assertThat(read.text("error")).contains("the model is down");
    assertThat(retried.status()).isEqualTo(200);
    assertThat(retried.text("status")).isEqualTo("completed");
    assertThat(retried.text("promptId")).isEqualTo(read.text("promptId"));
    assertThat(generator.calls()).isEqualTo(2);
    assertThat(database.number("SELECT attempts FROM genie_results")).isEqualTo(2);
  }

  @Test
  void afterTheLastAttemptEveryCallerGetsTheFailureAndNothingMoreRuns(PostgresServer postgres)
      throws Exception {
    TestDatabase database = postgres.freshDatabase();
    CountingGenerator generator = CountingGenerator.failing(Integer.MAX_VALUE);
    GenieClient client =
        new GenieClient(
            genies.sql(database, generator, Map.of("GENIE_MAX_ATTEMPTS", "2")).uri(), PATIENCE);

    for (int i = 0; i < 4; i++) {
      GenieResponse response = client.post("broken prompt");
      assertThat(response.status()).isEqualTo(502);
      assertThat(response.errorCode()).isEqualTo("GENERATION_FAILED");
    }

    assertThat(generator.calls()).isEqualTo(2);
    assertThat(database.number("SELECT attempts FROM genie_results WHERE status = 'failed'"))
        .isEqualTo(2);
  }
}
