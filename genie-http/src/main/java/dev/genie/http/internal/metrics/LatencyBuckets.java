package dev.genie.http.internal.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.time.Duration;

/**
 * Gives Genie's timers (requests, waits, generations) a few fixed histogram buckets, so that
 * Prometheus can compute percentiles by route and status, without the hundreds of series that
 * Micrometer's default percentile histogram would publish per tag combination.
 */
public final class LatencyBuckets implements MeterFilter {
  private static final double[] BOUNDS_NANOS = {
    millis(5),
    millis(10),
    millis(25),
    millis(50),
    millis(100),
    millis(250),
    millis(500),
    millis(1_000),
    millis(2_500),
    millis(5_000),
    millis(10_000),
    millis(30_000),
    millis(60_000)
  };

  @Override
  public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
    if (id.getType() != Meter.Type.TIMER || !id.getName().startsWith("genie.")) {
      return config;
    }
    return DistributionStatisticConfig.builder()
        .serviceLevelObjectives(BOUNDS_NANOS)
        .build()
        .merge(config);
  }

  private static double millis(long millis) {
    return Duration.ofMillis(millis).toNanos();
  }
}
