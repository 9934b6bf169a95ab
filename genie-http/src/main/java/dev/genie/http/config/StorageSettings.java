package dev.genie.http.config;

import dev.genie.http.StartupCheckException;
import dev.genie.persistence.legacy.LegacyPromptStore;
import dev.genie.persistence.legacy.LegacyStoreSettings;
import dev.genie.persistence.sql.DatabaseUrl;
import dev.genie.persistence.sql.MigrateMode;
import dev.genie.persistence.sql.Pooler;
import dev.genie.persistence.sql.SqlPromptStore;
import dev.genie.persistence.sql.SqlStoreSettings;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Which store serves, and how it connects.
 *
 * @param mode the requested store ({@code GENIE_STORAGE})
 * @param requireDb whether only the SQL store may serve ({@code GENIE_REQUIRE_DB})
 * @param requiredBy the setting that required it as it was given, such as {@code
 *     GENIE_REQUIRE_DB=yes}, to name in messages
 * @param databaseUrl where PostgreSQL is ({@code DATABASE_URL})
 * @param legacy the legacy store's settings ({@code GENIE_DATA_DIR})
 * @param sql the SQL store's settings when a database URL is set
 */
public record StorageSettings(
    StorageMode mode,
    boolean requireDb,
    String requiredBy,
    Optional<DatabaseUrl> databaseUrl,
    LegacyStoreSettings legacy,
    Optional<SqlStoreSettings> sql) {

  private static final String REQUIRE_DB = "GENIE_REQUIRE_DB";

  /** What the SQL store's settings are checked against while DATABASE_URL is not set. */
  private static final DatabaseUrl UNSET_URL =
      DatabaseUrl.parse("postgres://genie@127.0.0.1/genie");

  /**
   * The store this configuration selects: {@value SqlPromptStore#NAME} or {@value
   * LegacyPromptStore#NAME}.
   */
  public String selected() {
    return switch (mode) {
      case SQL -> SqlPromptStore.NAME;
      case LEGACY -> LegacyPromptStore.NAME;
      case AUTO -> databaseUrl.isPresent() ? SqlPromptStore.NAME : LegacyPromptStore.NAME;
    };
  }

  /** These settings with another store requested, whatever {@code GENIE_STORAGE} said. */
  public StorageSettings withMode(StorageMode mode) {
    return new StorageSettings(mode, requireDb, requiredBy, databaseUrl, legacy, sql);
  }

  /** These settings with the SQL store's changed as {@code change} says, when there are any. */
  public StorageSettings withSql(UnaryOperator<SqlStoreSettings.Builder> change) {
    return new StorageSettings(
        mode,
        requireDb,
        requiredBy,
        databaseUrl,
        legacy,
        sql.map(settings -> change.apply(settings.toBuilder()).build()));
  }

  static StorageSettings from(Env env, List<String> notices) {
    StorageMode mode = storageMode(env);
    boolean required = env.flag(REQUIRE_DB);
    String requiredBy = given(env, REQUIRE_DB);
    if (env.get("USE_PRISMA_IN_TEST").isPresent()) {
      notices.add("USE_PRISMA_IN_TEST is read as GENIE_REQUIRE_DB; prefer GENIE_REQUIRE_DB=1");
      if (!required && env.flag("USE_PRISMA_IN_TEST")) {
        required = true;
        requiredBy = given(env, "USE_PRISMA_IN_TEST");
      }
    }
    Optional<DatabaseUrl> url = databaseUrl(env);
    // Read on either store, so that a bad value stops Genie even where it would not be used yet.
    SqlStoreSettings sql = sqlSettings(url.orElse(UNSET_URL), env);
    return new StorageSettings(
        mode, required, requiredBy, url, legacySettings(env), url.map(u -> sql));
  }

  /** {@code KEY=value} as the environment gave it, for messages. */
  private static String given(Env env, String key) {
    return key + "=" + env.get(key).orElse("");
  }

  private static SqlStoreSettings sqlSettings(DatabaseUrl url, Env env) {
    SqlStoreSettings.Builder builder =
        SqlStoreSettings.builder(url)
            .migrate(migrateMode(env))
            .logSql(env.flag(LogSettings.LOG_SQL_KEY));
    env.integer("GENIE_DB_POOL_SIZE").ifPresent(builder::poolSize);
    env.millis("GENIE_DB_CONNECTION_TIMEOUT_MS").ifPresent(builder::connectionTimeout);
    env.millis("GENIE_DB_STATEMENT_TIMEOUT_MS").ifPresent(builder::statementTimeout);
    env.millis("GENIE_DB_LOCK_TIMEOUT_MS").ifPresent(builder::lockTimeout);
    env.integer("GENIE_COMPLETED_CACHE_MB").ifPresent(builder::completedCacheMegabytes);
    env.millis("GENIE_DB_FAILOVER_WAIT_MS").ifPresent(builder::failoverWait);
    env.integer("GENIE_DB_GROUP_COMMIT_MAX").ifPresent(builder::groupCommitMax);
    databaseUrl(env, "GENIE_DB_LISTEN_URL").ifPresent(builder::listenUrl);
    String pooler = env.string("GENIE_DB_POOLER", "auto");
    try {
      builder.pooler(Pooler.parse(pooler));
    } catch (IllegalArgumentException e) {
      throw Env.invalid("GENIE_DB_POOLER", pooler, "one of auto, none, transaction");
    }
    return builder.build();
  }

  private static LegacyStoreSettings legacySettings(Env env) {
    String dataDir = env.string("GENIE_DATA_DIR", LegacyStoreSettings.DEFAULT_DATA_DIR);
    try {
      return new LegacyStoreSettings(Path.of(dataDir));
    } catch (InvalidPathException e) {
      throw Env.invalid("GENIE_DATA_DIR", dataDir, "a directory path");
    }
  }

  private static StorageMode storageMode(Env env) {
    String value = env.string("GENIE_STORAGE", "auto");
    try {
      return StorageMode.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw Env.invalid("GENIE_STORAGE", value, "one of auto, sql, legacy");
    }
  }

  private static MigrateMode migrateMode(Env env) {
    String value = env.string("GENIE_MIGRATE", "apply");
    try {
      return MigrateMode.parse(value);
    } catch (IllegalArgumentException e) {
      throw Env.invalid("GENIE_MIGRATE", value, "one of apply, validate, off");
    }
  }

  private static Optional<DatabaseUrl> databaseUrl(Env env) {
    return databaseUrl(env, "DATABASE_URL");
  }

  private static Optional<DatabaseUrl> databaseUrl(Env env, String key) {
    Optional<String> raw = env.get(key);
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(DatabaseUrl.parse(key, raw.get()));
    } catch (IllegalArgumentException e) {
      throw new StartupCheckException(
          e.getMessage(),
          "set "
              + key
              + " to postgres://user:password@host:5432/database, or several hosts"
              + " postgres://user:password@host1:5432,host2:5432/database (percent-encode special"
              + " characters in the password)");
    }
  }
}
