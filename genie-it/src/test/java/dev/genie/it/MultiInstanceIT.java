package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.http.GenieServer;
import dev.genie.it.support.Burst;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.InvariantChecker;
import dev.genie.it.support.ItSettings;
import dev.genie.it.support.PostgresServer;
import dev.genie.it.support.PrometheusText;
import dev.genie.it.support.TestDatabase;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several instances on one database, one same-prompt burst spread over them: the database, not any
 * JVM, keeps it to one prompt, one result and one generation in total.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MultiInstanceIT extends InstancesOnPostgres {
  /** At least this many requests per burst, whatever {@code -Dgenie.it.n} says. */
  static final int MIN_BURST = 256;

  private final ItSettings settings = ItSettings.fromSystemProperties();

  @ParameterizedTest(name = "{0} instances")
  @ValueSource(ints = {2, 3})
  void aBurstOverSeveralInstancesGeneratesOnce(int instances, PostgresServer postgres)
      throws Exception {
    TestDatabase database = postgres.freshDatabase();
    String budget =
        postgres.checkConnectionBudget(instances, GenieInstances.POOL_SIZE, 1).toString();
    List<CountingGenerator> generators = new ArrayList<>();
    List<GenieClient> clients = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      CountingGenerator generator = CountingGenerator.sample(ConcurrencyIT.GENERATION);
      GenieServer genie = genies.sql(database, generator, Map.of());
      generators.add(generator);
      clients.add(new GenieClient(genie.uri(), settings.timeout()));
    }
    int n = Math.max(MIN_BURST, settings.n());
    List<String> variants = ConcurrencyIT.POEM_VARIANTS;

    new Burst(n, settings.timeout())
        .post(history, i -> clients.get(i % instances), i -> variants.get(i % variants.size()));

    InvariantChecker checker =
        new InvariantChecker(history, Map.of(ConcurrencyIT.POEM, new LinkedHashSet<>(variants)));
    try (Connection connection = database.connect()) {
      String rows = checker.rowCounts(connection).toString();
      artifacts.summary("rows", () -> rows).summary("connections", () -> budget);
      checker.checkSql(connection);
    }
    int generations = generators.stream().mapToInt(CountingGenerator::calls).sum();
    int reported = 0;
    for (GenieClient client : clients) {
      reported +=
          (int)
              PrometheusText.parse(client.get("/metrics").body())
                  .value("genie_generations_total", Map.of("outcome", "completed"));
    }
    String summary =
        instances
            + " instances, N="
            + n
            + ", generations="
            + generations
            + " (metrics "
            + reported
            + ")";
    artifacts.summary("instances", () -> summary);
    assertThat(generations).as("generator invocations over all instances").isEqualTo(1);
    assertThat(reported).as("genie_generations_total over all instances").isEqualTo(1);
  }
}
