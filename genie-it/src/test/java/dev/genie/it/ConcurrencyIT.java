package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.http.GenieServer;
import dev.genie.it.support.Burst;
import dev.genie.it.support.ConnectionBudget;
import dev.genie.it.support.Exchange;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.InvariantChecker;
import dev.genie.it.support.ItSettings;
import dev.genie.it.support.PostgresServer;
import dev.genie.it.support.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * N identical (or equivalent) requests released at once on one instance: one prompt, one result,
 * one generation, one answer for all, checked against the database through plain JDBC.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConcurrencyIT extends InstancesOnPostgres {
  /** The sample generator's latency here: long enough that most of a burst finds it pending. */
  static final Duration GENERATION = Duration.ofMillis(150);

  static final String POEM = "Write a short poem about the café in autumn";

  /** Ways to send {@link #POEM} that normalize to it: white space, NFD, invisibles. */
  static final List<String> POEM_VARIANTS =
      List.of(
          POEM,
          "  " + POEM + "\n",
          POEM.replace(" ", "\u00A0"),
          POEM.replace("café", "cafe\u0301"),
          POEM.replace(" ", " \t "),
          "\uFEFF" + POEM,
          POEM.replace("short", "sho\u200Brt"),
          POEM.replace(" a ", "\u3000a\u2007"));

  private final ItSettings settings = ItSettings.fromSystemProperties();

  @Test
  void onePromptAndItsVariantsGenerateOnce(PostgresServer postgres) throws Exception {
    TestDatabase database = postgres.freshDatabase();
    checkBudget(postgres, 1);
    CountingGenerator generator = CountingGenerator.sample(GENERATION);
    GenieServer genie = genies.sql(database, generator, Map.of());
    GenieClient client = new GenieClient(genie.uri(), settings.timeout());

    Burst.of(settings).post(history, client, i -> POEM_VARIANTS.get(i % POEM_VARIANTS.size()));

    check(database, Map.of(POEM, new LinkedHashSet<>(POEM_VARIANTS)));
    assertThat(generator.calls()).as("generations").isEqualTo(1);
    assertThat(statuses()).containsOnlyKeys(201, 200).containsEntry(201, 1L);
  }

  @Test
  void distinctPromptsSentSeveralTimesGenerateOnceEach(PostgresServer postgres) throws Exception {
    TestDatabase database = postgres.freshDatabase();
    checkBudget(postgres, 1);
    CountingGenerator generator = CountingGenerator.sample(GENERATION);
    GenieServer genie = genies.sql(database, generator, Map.of());
    GenieClient client = new GenieClient(genie.uri(), settings.timeout());
    int copies = 4;
    int distinct = Math.max(1, settings.n() / copies);
    IntFunction<String> prompts = i -> variant("prompt number " + (i % distinct), i / distinct);

    Burst.of(settings).post(history, client, prompts);

    Map<String, Set<String>> sent = new HashMap<>();
    for (int i = 0; i < settings.n(); i++) {
      sent.computeIfAbsent("prompt number " + (i % distinct), k -> new LinkedHashSet<>())
          .add(prompts.apply(i));
    }
    check(database, sent);
    assertThat(generator.calls()).as("generations").isEqualTo(distinct);
    assertThat(statuses()).containsEntry(201, (long) distinct);
  }

  @Test
  void theLegacyStoreKeepsTheSamePromiseInOneProcess(@TempDir Path dataDir) throws Exception {
    CountingGenerator generator = CountingGenerator.sample(GENERATION);
    GenieServer genie = genies.legacy(dataDir, generator, Map.of());
    GenieClient client = new GenieClient(genie.uri(), settings.timeout());

    Burst.of(settings).post(history, client, i -> POEM_VARIANTS.get(i % POEM_VARIANTS.size()));

    Map<String, String> stored = new HashMap<>();
    for (Exchange exchange : history.exchanges()) {
      if (exchange.promptId() != null && !stored.containsKey(exchange.promptId())) {
        stored.put(
            exchange.promptId(), client.get("/prompts/" + exchange.promptId()).envelopeText());
      }
    }
    new InvariantChecker(history, Map.of(POEM, new LinkedHashSet<>(POEM_VARIANTS)))
        .checkLegacy(stored);
    assertThat(stored).hasSize(1);
    assertThat(generator.calls()).as("generations").isEqualTo(1);
    assertThat(statuses()).containsOnlyKeys(201, 200).containsEntry(201, 1L);
  }

  /** Variant {@code k} of {@code text}: the same prompt after normalization. */
  static String variant(String text, int k) {
    return switch (k % 4) {
      case 0 -> text;
      case 1 -> " " + text.replace(" ", "  ") + "\t";
      case 2 -> text.replace(" ", "\u00A0");
      default -> "\u200B" + text + "\r\n";
    };
  }

  private void checkBudget(PostgresServer postgres, int instances) {
    ConnectionBudget budget =
        postgres.checkConnectionBudget(instances, GenieInstances.POOL_SIZE, 1);
    artifacts.summary("connections", budget::toString);
  }

  private void check(TestDatabase database, Map<String, Set<String>> sent) throws Exception {
    InvariantChecker checker = new InvariantChecker(history, sent);
    try (Connection connection = database.connect()) {
      artifacts.writer(
          "rows.json",
          file -> {
            try (Connection dump = database.connect()) {
              checker.dumpRows(dump, file);
            }
          });
      String rows = checker.rowCounts(connection).toString();
      artifacts.summary("rows", () -> rows);
      checker.checkSql(connection);
    }
  }

  private Map<Integer, Long> statuses() {
    Map<Integer, Long> statuses = new HashMap<>();
    history.exchanges().forEach(e -> statuses.merge(e.httpStatus(), 1L, Long::sum));
    return statuses;
  }
}
