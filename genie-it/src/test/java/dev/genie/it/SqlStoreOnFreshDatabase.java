package dev.genie.it;

import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.TestDatabase;
import dev.genie.persistence.PromptStore;
import dev.genie.persistence.sql.DatabaseUrl;
import dev.genie.persistence.sql.SqlPromptStore;
import dev.genie.persistence.sql.SqlStoreSettings;
import java.util.function.UnaryOperator;

/**
 * The SQL store of a store contract on PostgreSQL: each {@link #open()} on a database of its own,
 * each {@link #reopen()} on the same database again, as after a restart.
 */
final class SqlStoreOnFreshDatabase {
  private final PostgresExtension postgres;
  private final UnaryOperator<SqlStoreSettings.Builder> settings;
  private TestDatabase database;

  /** {@code settings} adds the contract's own settings to the database's. */
  SqlStoreOnFreshDatabase(
      PostgresExtension postgres, UnaryOperator<SqlStoreSettings.Builder> settings) {
    this.postgres = postgres;
    this.settings = settings;
  }

  /** A store on a new, empty database. */
  PromptStore open() {
    database = postgres.server().freshDatabase();
    return reopen();
  }

  /** Another store on the database of the last {@link #open()}. */
  PromptStore reopen() {
    return SqlPromptStore.open(
        settings
            .apply(SqlStoreSettings.builder(DatabaseUrl.parse(database.databaseUrl())))
            .build());
  }
}
