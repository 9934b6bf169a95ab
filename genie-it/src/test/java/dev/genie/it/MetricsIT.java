package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.http.GenieServer;
import dev.genie.it.support.Burst;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.ItSettings;
import dev.genie.it.support.PostgresServer;
import dev.genie.it.support.PrometheusText;
import dev.genie.it.support.PrometheusText.Sample;
import dev.genie.it.support.TestDatabase;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /metrics} after a burst of N identical requests on the SQL store: every family an
 * operator needs is there, and the counts agree with the history and with the database.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MetricsIT extends InstancesOnPostgres {
  private final ItSettings settings = ItSettings.fromSystemProperties();
  private String scrape = "";

  @BeforeEach
  void recordScrape() {
    artifacts.writer("metrics.txt", file -> Files.writeString(file, scrape));
  }

  @Test
  void afterABurstTheScrapeCountsWhatHappened(PostgresServer postgres) throws Exception {
    TestDatabase database = postgres.freshDatabase();
    postgres.checkConnectionBudget(1, GenieInstances.POOL_SIZE, 1);
    CountingGenerator generator = CountingGenerator.sample(ConcurrencyIT.GENERATION);
    GenieServer genie = genies.sql(database, generator, Map.of());
    GenieClient client = new GenieClient(genie.uri(), settings.timeout());
    int n = settings.n();

    Burst.of(settings).post(history, client, i -> ConcurrencyIT.POEM);
    Map<String, String> posts = Map.of("method", "POST", "route", "/prompts");
    GenieResponse response = scrapeUntilRecorded(client, posts, n);
    PrometheusText metrics = PrometheusText.parse(scrape);
    artifacts.summary("metrics", () -> excerpt(metrics));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Type")).startsWith("text/plain");
    assertThat(metrics.samples()).allSatisfy(s -> assertThat(s.value()).isNotNaN());

    // Requests by route and status: the burst, and the health check GenieInstances made first.
    assertThat(metrics.sum("genie_http_requests_seconds_count", posts)).isEqualTo(n);
    assertThat(metrics.value("genie_http_requests_seconds_count", with(posts, "status", "201")))
        .isEqualTo(1);
    assertThat(
            metrics.value(
                "genie_http_requests_seconds_count", Map.of("route", "/health", "status", "200")))
        .isEqualTo(1);
    assertThat(
            metrics.value(
                "genie_http_requests_seconds_bucket",
                Map.of("route", "/prompts", "status", "201", "le", "+Inf")))
        .as("latency buckets")
        .isEqualTo(1);
    assertThat(metrics.value("genie_http_requests_seconds_sum", with(posts, "status", "201")))
        .isPositive();

    // Claims, generations, waits and takeovers, against the database.
    assertThat(metrics.value("genie_claims_total", Map.of("outcome", "won"))).isEqualTo(1);
    assertThat(metrics.value("genie_claims_total", Map.of("outcome", "lost"))).isEqualTo(n - 1);
    assertThat(metrics.value("genie_generations_total", Map.of("outcome", "completed")))
        .isEqualTo(generator.calls())
        .isEqualTo(
            database.number("SELECT count(*) FROM genie_results WHERE status = 'completed'"));
    assertThat(metrics.sum("genie_generations_total", Map.of())).isEqualTo(1);
    double waits = metrics.sum("genie_waits_total", Map.of());
    assertThat(waits).isBetween(0.0, (double) n - 1);
    assertThat(metrics.value("genie_waits_total", Map.of("outcome", "pending"))).isZero();
    assertThat(metrics.value("genie_wait_duration_seconds_count", Map.of())).isEqualTo(waits);
    assertThat(metrics.value("genie_takeovers_total", Map.of())).isZero();
    assertThat(metrics.value("genie_storage_info", Map.of("store", "sql"))).isEqualTo(1);

    // The pool, from HikariCP's own tracker.
    Map<String, String> pool = Map.of("pool", "genie");
    assertThat(metrics.value("hikaricp_connections_max", pool)).isEqualTo(GenieInstances.POOL_SIZE);
    assertThat(metrics.value("hikaricp_connections_active", pool))
        .isBetween(0.0, (double) GenieInstances.POOL_SIZE);
    // Claims that find the prompt completed are answered from memory, and one poller reads the
    // pending result for all its waiters: only the creator's claim and completion are certain.
    assertThat(metrics.value("hikaricp_connections_acquire_seconds_count", pool))
        .as("the creator's claim and completion at least")
        .isGreaterThanOrEqualTo(2);
    assertThat(metrics.value("hikaricp_connections_timeout_total", pool)).isZero();

    // The JVM basics.
    assertThat(metrics.sum("jvm_memory_used_bytes", Map.of("area", "heap"))).isPositive();
    assertThat(metrics.value("jvm_threads_live_threads", Map.of())).isPositive();
    assertThat(metrics.has("jvm_gc_memory_allocated_bytes_total")).isTrue();
    assertThat(metrics.value("process_uptime_seconds", Map.of())).isPositive();
    assertThat(metrics.value("system_cpu_count", Map.of())).isPositive();
  }

  /**
   * Scrapes until the server has recorded all {@code n} requests: it records each one as the
   * exchange completes, which may be just after the client has read the response.
   */
  private GenieResponse scrapeUntilRecorded(GenieClient client, Map<String, String> posts, int n)
      throws Exception {
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    while (true) {
      GenieResponse response = client.get("/metrics");
      scrape = response.body();
      boolean recorded =
          PrometheusText.parse(scrape).sum("genie_http_requests_seconds_count", posts) >= n;
      if (recorded || response.status() != 200 || System.nanoTime() > deadline) {
        return response;
      }
      Thread.sleep(20);
    }
  }

  /** The lines an operator reads first, printed after the test. */
  private static String excerpt(PrometheusText metrics) {
    return metrics.samples().stream()
        .filter(
            s ->
                (s.name().startsWith("genie_") && !s.name().endsWith("_bucket"))
                    || s.name().startsWith("hikaricp_connections"))
        .map(Sample::toString)
        .collect(Collectors.joining("\n  ", "\n  ", ""));
  }

  private static Map<String, String> with(Map<String, String> labels, String key, String value) {
    Map<String, String> more = new HashMap<>(labels);
    more.put(key, value);
    return more;
  }
}
