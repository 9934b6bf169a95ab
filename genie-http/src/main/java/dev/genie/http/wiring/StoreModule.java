package dev.genie.http.wiring;

import dagger.Module;
import dagger.Provides;
import dev.genie.http.config.GenieConfig;
import dev.genie.http.config.StorageSettings;
import dev.genie.persistence.PromptStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import javax.inject.Provider;
import javax.inject.Singleton;

/** Provides the one store configuration selects, from those the store modules bind. */
@Module
public final class StoreModule {
  private StoreModule() {}

  @Provides
  static StorageSettings storage(GenieConfig config) {
    return config.storage();
  }

  @Provides
  @Singleton
  static PromptStore store(
      GenieConfig config,
      StorageSettings storage,
      Map<String, Provider<PromptStore>> stores,
      MeterRegistry registry) {
    PromptStore store = StoreSelection.open(storage, config.notices(), stores);
    // Alert on genie_storage_info{store="legacy"} where only PostgreSQL should ever serve.
    Gauge.builder("genie.storage.info", () -> 1)
        .description("The store that serves this instance: sql or legacy")
        .tag("store", store.name())
        .register(registry);
    return store;
  }
}
