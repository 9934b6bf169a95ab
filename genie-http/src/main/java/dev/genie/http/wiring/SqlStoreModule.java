package dev.genie.http.wiring;

import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import dev.genie.http.config.StorageSettings;
import dev.genie.persistence.PromptStore;
import dev.genie.persistence.sql.BatchSizes;
import dev.genie.persistence.sql.SqlPromptStore;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;

/** Binds the PostgreSQL store under the name {@value SqlPromptStore#NAME}. */
@Module
public final class SqlStoreModule {
  private SqlStoreModule() {}

  @Provides
  @IntoMap
  @StringKey(SqlPromptStore.NAME)
  static PromptStore sqlStore(StorageSettings storage, MeterRegistry registry) {
    SqlPromptStore store = SqlPromptStore.open(storage.sql().orElseThrow());
    store.dataSource().setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
    Map<String, DistributionSummary> batchSizes =
        Map.of(
            BatchSizes.CLAIM, batchSize(registry, BatchSizes.CLAIM),
            BatchSizes.COMPLETE, batchSize(registry, BatchSizes.COMPLETE));
    store.batchSizes().observe((operation, size) -> batchSizes.get(operation).record(size));
    return store;
  }

  /** {@code genie_store_batch_size}: how many requests each statement of claims carried. */
  private static DistributionSummary batchSize(MeterRegistry registry, String operation) {
    return DistributionSummary.builder("genie.store.batch.size")
        .description("requests that went to PostgreSQL together in one statement and one commit")
        .tag("operation", operation)
        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64)
        .register(registry);
  }
}
