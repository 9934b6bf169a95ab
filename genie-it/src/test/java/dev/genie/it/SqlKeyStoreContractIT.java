package dev.genie.it;

import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.TestDatabase;
import dev.genie.persistence.KeyStoreContract;
import dev.genie.persistence.PromptStore;
import dev.genie.persistence.sql.DatabaseUrl;
import dev.genie.persistence.sql.SqlPromptStore;
import dev.genie.persistence.sql.SqlStoreSettings;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The key store contract on PostgreSQL, each test on a database of its own. */
class SqlKeyStoreContractIT extends KeyStoreContract {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  private TestDatabase database;

  @Override
  protected PromptStore openStore() {
    database = POSTGRES.server().freshDatabase();
    return open();
  }

  @Override
  protected PromptStore reopenStore() {
    return open();
  }

  private PromptStore open() {
    return SqlPromptStore.open(
        SqlStoreSettings.builder(DatabaseUrl.parse(database.databaseUrl())).poolSize(2).build());
  }
}
