package dev.genie.persistence.sql;

import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.genie.persistence.sql.internal.StorePool;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;

/**
 * The SQL store's meters: the connection pool's ({@code hikaricp.connections.*}, through HikariCP's
 * own Micrometer tracker) and {@code genie_store_batch_size}, how many requests each statement of
 * claims or completions carried. Whoever keeps the registry binds them; the pool and the batches
 * stay inside the store.
 */
public final class SqlStoreMetrics implements MeterBinder {
  private final SqlPromptStore store;

  public SqlStoreMetrics(SqlPromptStore store) {
    this.store = store;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    StorePool.of(store).setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
    Map<String, DistributionSummary> batchSizes =
        Map.of(
            BatchSizes.CLAIM, batchSize(registry, BatchSizes.CLAIM),
            BatchSizes.COMPLETE, batchSize(registry, BatchSizes.COMPLETE));
    store.batchSizes().observe((operation, size) -> batchSizes.get(operation).record(size));
  }

  private static DistributionSummary batchSize(MeterRegistry registry, String operation) {
    return DistributionSummary.builder("genie.store.batch.size")
        .description("requests that went to PostgreSQL together in one statement and one commit")
        .tag("operation", operation)
        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64)
        .register(registry);
  }
}
