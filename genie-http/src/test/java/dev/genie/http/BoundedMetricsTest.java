package dev.genie.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest.BodyPublishers;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Invented methods and paths cannot grow {@code /metrics}: they collapse to one label value each,
 * so 1,000 of each add no more than a handful of series.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BoundedMetricsTest extends LocalGenieTest {
  @Test
  void inventedMethodsAndPathsAddAFewSeriesAtMost() throws Exception {
    start(Map.of());
    int before = requestSeries().size();
    for (int i = 0; i < 1_000; i++) {
      send(request("/prompts").method("ZQ" + i, BodyPublishers.noBody()));
      send(request("/invented/" + i).GET());
    }

    List<String> series = requestSeries();
    // unmatched + other, 405 + 404: four label sets, and /metrics itself
    assertThat(series.size() - before).as("%s", series).isLessThanOrEqualTo(5);
    assertThat(series)
        .anyMatch(line -> line.contains("method=\"other\""))
        .anyMatch(line -> line.contains("route=\"unmatched\""))
        .noneMatch(line -> line.contains("ZQ") || line.contains("/invented"));
  }

  private List<String> requestSeries() throws Exception {
    return get("/metrics")
        .body()
        .lines()
        .filter(line -> line.startsWith("genie_http_requests_seconds_count"))
        .toList();
  }
}
