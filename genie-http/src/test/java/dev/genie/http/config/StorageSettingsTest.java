package dev.genie.http.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.persistence.sql.MigrateMode;
import dev.genie.persistence.sql.SqlStoreSettings;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StorageSettingsTest {
  /** Every key of the SQL store's table, none at its default. */
  private static final Map<String, String> EVERY_SQL_KEY =
      Map.ofEntries(
          Map.entry("DATABASE_URL", "postgres://app@db.example:5432/genie"),
          Map.entry("GENIE_MIGRATE", "validate"),
          Map.entry("GENIE_LOG_SQL", "1"),
          Map.entry("GENIE_DB_POOL_SIZE", "9"),
          Map.entry("GENIE_DB_CONNECTION_TIMEOUT_MS", "900"),
          Map.entry("GENIE_DB_STATEMENT_TIMEOUT_MS", "800"),
          Map.entry("GENIE_DB_LOCK_TIMEOUT_MS", "700"),
          Map.entry("GENIE_COMPLETED_CACHE_MB", "3"),
          Map.entry("GENIE_DB_FAILOVER_WAIT_MS", "600"),
          Map.entry("GENIE_DB_GROUP_COMMIT_MAX", "5"),
          Map.entry("GENIE_DB_LISTEN_URL", "postgres://app@direct.example:5432/genie"),
          Map.entry("GENIE_DB_POOLER", "transaction"));

  /**
   * What {@code migrate} and {@code keys} do to the settings read from the environment: they change
   * the pool size (and migrate the mode), and every other key keeps its value.
   */
  @Test
  void aCommandThatAdjustsTheSqlSettingsKeepsEveryOtherKey() throws Exception {
    assertThat(EVERY_SQL_KEY.keySet())
        .containsExactlyInAnyOrderElementsOf(
            SqlStoreKeys.TABLE.keys().stream().map(Key::name).toList());
    StorageSettings storage = StorageSettings.from(new Env(EVERY_SQL_KEY), new ArrayList<>());
    SqlStoreSettings read = storage.sql().orElseThrow();
    SqlStoreSettings defaults = SqlStoreSettings.builder(read.url()).build();
    assertThat(differing(read, defaults))
        .as("components the keys set")
        .containsExactlyInAnyOrder(
            "poolSize",
            "migrate",
            "connectionTimeout",
            "statementTimeout",
            "lockTimeout",
            "logSql",
            "completedCacheBytes",
            "listenUrl",
            "pooler",
            "failoverWait",
            "groupCommitMax");

    SqlStoreSettings migrating =
        storage.withSql(sql -> sql.migrate(MigrateMode.APPLY).poolSize(2)).sql().orElseThrow();

    assertThat(differing(migrating, read)).containsExactlyInAnyOrder("migrate", "poolSize");
  }

  private static Set<String> differing(Record one, Record other) throws Exception {
    Set<String> names = new HashSet<>();
    for (RecordComponent component : one.getClass().getRecordComponents()) {
      if (!component.getAccessor().invoke(one).equals(component.getAccessor().invoke(other))) {
        names.add(component.getName());
      }
    }
    return names;
  }
}
