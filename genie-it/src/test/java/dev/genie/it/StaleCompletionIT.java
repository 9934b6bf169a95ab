package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.core.Answer;
import dev.genie.core.Orchestrator;
import dev.genie.core.OrchestratorListener;
import dev.genie.core.OrchestratorSettings;
import dev.genie.core.generate.Block;
import dev.genie.core.generate.Generation;
import dev.genie.core.generate.Generator;
import dev.genie.core.generate.Page;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.PostgresServer;
import dev.genie.it.support.TestDatabase;
import dev.genie.persistence.sql.DatabaseUrl;
import dev.genie.persistence.sql.SqlPromptStore;
import dev.genie.persistence.sql.SqlStoreSettings;
import dev.genie.persistence.sql.TimeSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fencing end to end: a stale owner really calls {@code complete()} after its lease was taken over,
 * while the result is still pending under the taker, and only the fencing token refuses it.
 *
 * <p>Two orchestrators on one database, each with its own store, the leases timed by the caller's
 * clock: the taker's runs ten minutes ahead, so it finds the owner's 60 s lease expired at once,
 * while the owner's renewal (every 20 s) never runs during the test and so never tells the owner.
 * The owner's generation is released only after the taker holds the lease and is itself still
 * generating: the row is {@code pending}, and the owner's token is the one thing that differs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StaleCompletionIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  private static final String PROMPT = "A prompt whose owner finishes after a takeover";
  private static final Duration LEASE = Duration.ofSeconds(60);
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  @Test
  void aStaleOwnersCompletionIsRefusedByItsTokenAlone(PostgresServer postgres) throws Exception {
    TestDatabase database = postgres.freshDatabase();
    Gated ownerModel = new Gated("the stale owner's text");
    Gated takerModel = new Gated("the taker's text");
    Outcomes ownerOutcomes = new Outcomes();
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try (SqlPromptStore ownerStore = store(database);
        SqlPromptStore takerStore = store(database);
        Orchestrator owner =
            orchestrator(ownerStore, ownerModel, Clock.systemUTC(), ownerOutcomes);
        Orchestrator taker =
            orchestrator(
                takerStore,
                takerModel,
                Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10)),
                OrchestratorListener.NONE)) {
      Future<Answer> ownerCall = callers.submit(() -> owner.submit(PROMPT));
      ownerModel.awaitEntered();
      Future<Answer> takerCall = callers.submit(() -> taker.submit(PROMPT));
      takerModel.awaitEntered();
      Row takenOver = Row.read(database);

      ownerModel.open(); // the owner completes under token 1 while the row is pending under 2
      OrchestratorListener.GenerationOutcome ownerOutcome =
          ownerOutcomes.first.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      Row afterStaleCompletion = Row.read(database);
      takerModel.open();
      Answer taken = takerCall.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      Row end = Row.read(database);
      ownerCall.cancel(true);

      assertThat(takenOver).isEqualTo(new Row("pending", 2, null));
      assertThat(ownerOutcome)
          .as("the owner's complete() was refused")
          .isEqualTo(OrchestratorListener.GenerationOutcome.FENCED_OUT);
      assertThat(afterStaleCompletion)
          .as("the stale completion changed nothing")
          .isEqualTo(takenOver);
      assertThat(taken.state().result().envelope()).contains("the taker's text");
      assertThat(end.status()).isEqualTo("completed");
      assertThat(end.token()).isEqualTo(2);
      assertThat(end.envelope()).contains("the taker's text").doesNotContain("stale owner");
    } finally {
      callers.shutdownNow();
    }
  }

  private static SqlPromptStore store(TestDatabase database) {
    return SqlPromptStore.open(
        SqlStoreSettings.builder(DatabaseUrl.parse(database.databaseUrl()))
            .poolSize(2)
            .timeSource(TimeSource.CALLER)
            .build());
  }

  private static Orchestrator orchestrator(
      SqlPromptStore store, Generator model, Clock clock, OrchestratorListener listener) {
    return new Orchestrator(
            store,
            model,
            OrchestratorSettings.builder().lease(LEASE).waitTimeout(PATIENCE).build(),
            clock,
            listener)
        .start();
  }

  /** How the owner's generation ended, as its orchestrator reports it. */
  private static final class Outcomes implements OrchestratorListener {
    final CompletableFuture<GenerationOutcome> first = new CompletableFuture<>();

    @Override
    public void generated(GenerationOutcome outcome, Duration duration) {
      first.complete(outcome);
    }
  }

  /** A model that writes {@code text}, once the test opens its gate. */
  private static final class Gated implements Generator {
    private final String text;
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch gate = new CountDownLatch(1);

    Gated(String text) {
      this.text = text;
    }

    @Override
    public String name() {
      return "gated"; // the same for both, so that they share the prompt's key
    }

    @Override
    public Generation generate(String normalizedPrompt) throws InterruptedException {
      entered.countDown();
      gate.await();
      return new Generation("gated", List.of(new Page("p1", "Page", List.of(Block.text(text)))));
    }

    void awaitEntered() throws InterruptedException {
      assertThat(entered.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
          .as("'" + text + "' started generating")
          .isTrue();
    }

    void open() {
      gate.countDown();
    }
  }

  /** The one result row, read with plain JDBC. */
  record Row(String status, long token, String envelope) {
    static Row read(TestDatabase database) throws Exception {
      try (Connection connection = database.connect();
          Statement statement = connection.createStatement();
          ResultSet row =
              statement.executeQuery(
                  "SELECT status, fencing_token, envelope::text FROM genie_results")) {
        assertThat(row.next()).as("a result row").isTrue();
        Row read = new Row(row.getString(1), row.getLong(2), row.getString(3));
        assertThat(row.next()).as("one result row").isFalse();
        return read;
      }
    }
  }
}
