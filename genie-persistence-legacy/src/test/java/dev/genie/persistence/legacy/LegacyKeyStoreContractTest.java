package dev.genie.persistence.legacy;

import dev.genie.persistence.KeyStoreContract;
import dev.genie.persistence.PromptStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class LegacyKeyStoreContractTest extends KeyStoreContract {
  @TempDir Path dataDir;

  @Override
  protected PromptStore openStore() {
    return LegacyPromptStore.open(new LegacyStoreSettings(dataDir));
  }

  @Override
  protected PromptStore reopenStore() {
    return LegacyPromptStore.open(new LegacyStoreSettings(dataDir));
  }
}
