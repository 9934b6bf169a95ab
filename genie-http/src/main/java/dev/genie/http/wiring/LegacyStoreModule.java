package dev.genie.http.wiring;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import dev.genie.http.config.StorageSettings;
import dev.genie.persistence.PromptStore;
import dev.genie.persistence.legacy.LegacyPromptStore;

/** Binds the legacy file store under the name {@value LegacyPromptStore#NAME}. */
@Module
public final class LegacyStoreModule {
  private LegacyStoreModule() {}

  @Provides
  @IntoMap
  @StringKey(LegacyPromptStore.NAME)
  static PromptStore legacyStore(StorageSettings storage) {
    return LegacyPromptStore.open(storage.legacy());
  }
}
