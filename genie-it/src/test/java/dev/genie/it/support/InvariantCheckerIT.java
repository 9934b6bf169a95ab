package dev.genie.it.support;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.core.Normalizer;
import dev.genie.core.generate.SampleGenerator;
import dev.genie.persistence.Claim;
import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.Result;
import dev.genie.persistence.StoredPrompt;
import dev.genie.persistence.sql.DatabaseUrl;
import dev.genie.persistence.sql.SqlPromptStore;
import dev.genie.persistence.sql.SqlStoreSettings;
import java.net.http.HttpHeaders;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The oracle of the concurrency tests must itself fail when an invariant breaks. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InvariantCheckerIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  private static final String ENVELOPE = "{\"version\":1,\"pages\":[],\"metadata\":{}}";
  private static final String OTHER_ENVELOPE = "{\"version\":1,\"pages\":[{}],\"metadata\":{}}";

  private final Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);

  @Test
  void aConsistentRunPassesAndEachBrokenInvariantIsReported() throws Exception {
    TestDatabase database = POSTGRES.server().freshDatabase();
    StoredPrompt poem = completed(database, "a poem");
    try (Connection connection = database.connect()) {
      History good = new History();
      good.record(0, "a poem", 0, 1, response(201, poem, ENVELOPE));
      good.record(1, " a  poem ", 0, 2, response(200, poem, ENVELOPE));
      new InvariantChecker(good, Map.of("a poem", Set.of("a poem", " a  poem ")))
          .checkSql(connection);

      History bad = new History();
      bad.record(0, "a poem", 0, 1, response(201, poem, ENVELOPE));
      bad.record(1, "a poem", 0, 2, response(201, poem, OTHER_ENVELOPE));
      try (Statement statement = connection.createStatement()) {
        statement.execute(
            "INSERT INTO genie_prompts VALUES (gen_random_uuid(), repeat('a', 64), 'invented',"
                + " 'invented', 1, now(), repeat('b', 64), '{}')");
      }

      assertThatThrownBy(
              () ->
                  new InvariantChecker(bad, Map.of("a poem", Set.of("a poem")))
                      .checkSql(connection))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("INV-1")
          .hasMessageContaining("INV-2")
          .hasMessageContaining("INV-5");
    }
  }

  @Test
  void aLostPromptAndAnAnswerFromTheLegacyStoreAreReported() throws Exception {
    TestDatabase database = POSTGRES.server().freshDatabase();
    StoredPrompt poem = completed(database, "a poem");
    StoredPrompt lost = completed(database, "a lost poem");
    try (Connection connection = database.connect()) {
      try (Statement statement = connection.createStatement()) {
        statement.execute(
            "DELETE FROM genie_results WHERE id = '"
                + lost.result().id()
                + "'::uuid;"
                + " DELETE FROM genie_prompts WHERE id = '"
                + lost.prompt().id()
                + "'::uuid");
      }
      History run = new History();
      run.record(0, "a poem", 0, 1, response(201, poem, ENVELOPE, "sql"));
      run.record(1, "a poem", 0, 2, response(200, poem, ENVELOPE, "legacy"));
      run.record(2, "a lost poem", 0, 3, response(201, lost, ENVELOPE, "sql"));

      assertThatThrownBy(
              () ->
                  new InvariantChecker(
                          run,
                          Map.of("a poem", Set.of("a poem"), "a lost poem", Set.of("a lost poem")))
                      .checkSql(connection))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("INV-3")
          .hasMessageContaining("promptId " + lost.prompt().id() + " from responses")
          .hasMessageContaining("INV-6")
          .hasMessageContaining("Genie-Storage legacy");
    }
  }

  /**
   * A request answered 503 acknowledged nothing: its text may have been stored or not. One answered
   * 2xx must have its row.
   */
  @Test
  void onlyAcknowledgedTextsMustBeStored() throws Exception {
    TestDatabase database = POSTGRES.server().freshDatabase();
    StoredPrompt poem = completed(database, "a poem");
    StoredPrompt elsewhere = completed(POSTGRES.server().freshDatabase(), "a lost poem");
    Map<String, Set<String>> sent =
        Map.of(
            "a poem", Set.of("a poem"),
            "a refused poem", Set.of("a refused poem"),
            "a lost poem", Set.of("a lost poem"));
    try (Connection connection = database.connect()) {
      History refused = new History();
      refused.record(0, "a poem", 0, 1, response(201, poem, ENVELOPE));
      refused.record(1, "a refused poem", 0, 2, storageUnavailable());
      new InvariantChecker(refused, sent).allowStatuses(503).checkSql(connection);

      History lost = new History();
      lost.record(0, "a poem", 0, 1, response(201, poem, ENVELOPE));
      lost.record(1, "a lost poem", 0, 2, response(201, elsewhere, ENVELOPE));
      assertThatThrownBy(() -> new InvariantChecker(lost, sent).checkSql(connection))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("INV-1")
          .hasMessageContaining("a lost poem");
    }
  }

  private static GenieResponse storageUnavailable() {
    HttpHeaders headers =
        HttpHeaders.of(
            Map.of("Genie-Storage", List.of("sql"), "Retry-After", List.of("1")),
            (name, value) -> true);
    return new GenieResponse(
        503,
        headers,
        "{\"error\":{\"code\":\"STORAGE_UNAVAILABLE\",\"message\":\"the primary is away\","
            + "\"requestId\":\"r1\"}}");
  }

  private StoredPrompt completed(TestDatabase database, String text) {
    try (SqlPromptStore store =
        SqlPromptStore.open(
            SqlStoreSettings.builder(DatabaseUrl.parse(database.databaseUrl())).build())) {
      Claim claim =
          store.claim(
              new Normalizer(100).normalize(text, SampleGenerator.PROFILE),
              new LeaseTerms("checker", now, Duration.ofSeconds(30), 3));
      Result done = store.complete(claim.lease().orElseThrow(), ENVELOPE, now).orElseThrow();
      return new StoredPrompt(claim.state().prompt(), done);
    }
  }

  private static GenieResponse response(int status, StoredPrompt state, String envelope) {
    return response(status, state, envelope, "sql");
  }

  private static GenieResponse response(
      int status, StoredPrompt state, String envelope, String storage) {
    String body =
        "{\"promptId\":\""
            + state.prompt().id()
            + "\",\"resultId\":\""
            + state.result().id()
            + "\",\"status\":\"completed\",\"created\":\""
            + state.prompt().createdAt()
            + "\",\"prompt\":\""
            + state.prompt().rawText()
            + "\",\"normalizedPrompt\":\""
            + state.prompt().normalizedText()
            + "\",\"envelope\":"
            + envelope
            + "}";
    HttpHeaders headers =
        HttpHeaders.of(Map.of("Genie-Storage", List.of(storage)), (name, value) -> true);
    return new GenieResponse(status, headers, body);
  }
}
