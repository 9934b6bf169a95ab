package dev.genie.it;

import dev.genie.it.support.PostgresExtension;
import dev.genie.persistence.PromptStore;
import dev.genie.persistence.PromptStoreContract;
import dev.genie.persistence.sql.TimeSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store contract on PostgreSQL, each test on a database of its own. */
class SqlPromptStoreContractIT extends PromptStoreContract {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  private final SqlStoreOnFreshDatabase stores =
      new SqlStoreOnFreshDatabase(
          POSTGRES,
          // The contract moves time by the callers' clock.
          settings -> settings.poolSize(4).timeSource(TimeSource.CALLER));

  @Override
  protected PromptStore openStore() {
    return stores.open();
  }

  @Override
  protected PromptStore reopenStore() {
    return stores.reopen();
  }
}
