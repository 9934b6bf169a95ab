package dev.genie.http.config;

import dev.genie.persistence.legacy.LegacyPromptStore;
import dev.genie.persistence.legacy.LegacyStoreSettings;
import dev.genie.persistence.sql.DatabaseUrl;
import dev.genie.persistence.sql.SqlPromptStore;
import dev.genie.persistence.sql.SqlStoreSettings;
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

  static final Key<StorageMode> STORAGE =
      Key.of(
          "GENIE_STORAGE",
          "mode",
          Parser.accepting(
              "one of auto, sql, legacy",
              value -> StorageMode.valueOf(value.toUpperCase(Locale.ROOT))),
          "auto");
  static final Key<Boolean> REQUIRE_DB =
      Key.of("GENIE_REQUIRE_DB", "requireDb", Parser.FLAG, "off");

  /** Read as {@code GENIE_REQUIRE_DB}, with a notice. */
  static final Key<Boolean> USE_PRISMA_IN_TEST =
      Key.described("USE_PRISMA_IN_TEST", "requireDb", Parser.FLAG, "—");

  /** The stores' own keys are in their tables: {@link SqlStoreKeys}, {@link LegacyStoreKeys}. */
  static final KeyTable<Void> TABLE =
      KeyTable.<Void>of(StorageSettings.class).withKeys(STORAGE, REQUIRE_DB, USE_PRISMA_IN_TEST);

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
    StorageMode mode = STORAGE.value(env);
    boolean required = REQUIRE_DB.value(env);
    String requiredBy = given(env, REQUIRE_DB);
    if (env.get(USE_PRISMA_IN_TEST.name()).isPresent()) {
      notices.add("USE_PRISMA_IN_TEST is read as GENIE_REQUIRE_DB; prefer GENIE_REQUIRE_DB=1");
      if (!required && USE_PRISMA_IN_TEST.value(env)) {
        required = true;
        requiredBy = given(env, USE_PRISMA_IN_TEST);
      }
    }
    Optional<DatabaseUrl> url = SqlStoreKeys.URL.read(env);
    // Read on either store, so that a bad value stops Genie even where it would not be used yet.
    SqlStoreSettings sql = SqlStoreKeys.read(env, url.orElse(UNSET_URL));
    return new StorageSettings(
        mode, required, requiredBy, url, LegacyStoreKeys.read(env), url.map(u -> sql));
  }

  /** {@code KEY=value} as the environment gave it, for messages. */
  private static String given(Env env, Key<?> key) {
    return key.name() + "=" + env.get(key.name()).orElse("");
  }
}
