package dev.genie.http.wiring;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import dev.genie.http.config.StorageSettings;
import dev.genie.persistence.PromptStore;
import dev.genie.persistence.sql.SqlPromptStore;
import dev.genie.persistence.sql.SqlStoreMetrics;
import io.micrometer.core.instrument.MeterRegistry;

/** Binds the PostgreSQL store under the name {@value SqlPromptStore#NAME}. */
@Module
public final class SqlStoreModule {
  private SqlStoreModule() {}

  @Provides
  @IntoMap
  @StringKey(SqlPromptStore.NAME)
  static PromptStore sqlStore(StorageSettings storage, MeterRegistry registry) {
    SqlPromptStore store = SqlPromptStore.open(storage.sql().orElseThrow());
    new SqlStoreMetrics(store).bindTo(registry);
    return store;
  }
}
