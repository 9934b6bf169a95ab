package dev.genie.http.cli;

import dev.genie.http.StartupCheckException;
import dev.genie.http.config.GenieConfig;
import dev.genie.http.config.StorageMode;
import dev.genie.http.config.StorageSettings;
import dev.genie.http.wiring.Launcher;
import dev.genie.persistence.PromptStore;
import dev.genie.persistence.sql.MigrateMode;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code genie migrate}: the SQL store's startup with {@code GENIE_MIGRATE=apply}, then close. The
 * same code opens the store as {@code serve} does, so failures get the same banner and status.
 */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    versionProvider = GenieVersion.class,
    description = {
      "Bring the schema of the database at DATABASE_URL to this build's version and exit. Several"
          + " instances migrating at once take turns. Whatever GENIE_STORAGE and GENIE_MIGRATE say,"
          + " this uses PostgreSQL and applies."
    })
final class MigrateCommand implements Callable<Integer> {
  /** Enough for the migration's connections; the migration needs no more. */
  private static final int POOL_SIZE = 2;

  private final Map<String, String> environment;
  private final PrintStream out;

  MigrateCommand(Map<String, String> environment, PrintStream out) {
    this.environment = environment;
    this.out = out;
  }

  @Override
  public Integer call() {
    // Every key is checked as serve checks it, so a bad setting fails here first.
    GenieConfig config = GenieConfig.fromEnvironment(environment);
    if (config.storage().databaseUrl().isEmpty()) {
      throw new StartupCheckException(
          "migrate needs PostgreSQL, and DATABASE_URL is not set",
          "set DATABASE_URL=postgres://user:password@host:5432/database");
    }
    StorageSettings migrating =
        config
            .storage()
            .withMode(StorageMode.SQL)
            .withSql(sql -> sql.migrate(MigrateMode.APPLY).poolSize(POOL_SIZE));
    PromptStore store = Launcher.component(config.withStorage(migrating)).store();
    try {
      Map<String, Object> details = store.describe();
      out.println(
          "Genie migrate: the schema of database "
              + details.get("database")
              + " on "
              + details.get("server")
              + " is at version "
              + details.get("schemaVersion"));
      return 0;
    } finally {
      store.close();
    }
  }
}
