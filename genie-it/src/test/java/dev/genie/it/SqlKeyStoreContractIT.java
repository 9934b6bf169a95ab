package dev.genie.it;

import dev.genie.it.support.PostgresExtension;
import dev.genie.persistence.KeyStoreContract;
import dev.genie.persistence.PromptStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The key store contract on PostgreSQL, each test on a database of its own. */
class SqlKeyStoreContractIT extends KeyStoreContract {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  private final SqlStoreOnFreshDatabase stores =
      new SqlStoreOnFreshDatabase(POSTGRES, settings -> settings.poolSize(2));

  @Override
  protected PromptStore openStore() {
    return stores.open();
  }

  @Override
  protected PromptStore reopenStore() {
    return stores.reopen();
  }
}
