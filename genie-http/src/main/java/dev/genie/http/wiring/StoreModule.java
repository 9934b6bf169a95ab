package dev.genie.http.wiring;

import dagger.Module;
import dagger.Provides;
import dev.genie.http.StartupCheckException;
import dev.genie.http.config.GenieConfig;
import dev.genie.http.config.StorageSettings;
import dev.genie.http.internal.metrics.ServerMeters;
import dev.genie.persistence.PromptStore;
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
    // Both stores keep keys; a store that did not would otherwise serve with no key checked.
    if (config.auth().keys() && store.keys().isEmpty()) {
      store.close();
      throw new StartupCheckException(
          "callers need keys ("
              + config.auth().describe()
              + "), and the "
              + store.name()
              + " store keeps no keys",
          "select a store that keeps keys with GENIE_STORAGE (sql or legacy); or bind"
              + " GENIE_HOST=127.0.0.1; or set GENIE_AUTH=off to let anyone who reaches the port"
              + " ask and read");
    }
    ServerMeters.storage(registry, store.name());
    return store;
  }
}
