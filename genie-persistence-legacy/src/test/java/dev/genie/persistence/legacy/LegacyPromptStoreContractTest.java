package dev.genie.persistence.legacy;

import dev.genie.persistence.PromptStore;
import dev.genie.persistence.PromptStoreContract;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LegacyPromptStoreContractTest extends PromptStoreContract {
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
