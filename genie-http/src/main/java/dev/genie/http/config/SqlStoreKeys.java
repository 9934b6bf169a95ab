package dev.genie.http.config;

import static dev.genie.http.config.Parser.MILLIS;
import static dev.genie.http.config.Parser.WHOLE_NUMBER;

import dev.genie.http.StartupCheckException;
import dev.genie.persistence.sql.DatabaseUrl;
import dev.genie.persistence.sql.MigrateMode;
import dev.genie.persistence.sql.Pooler;
import dev.genie.persistence.sql.SqlStoreSettings;
import dev.genie.persistence.sql.SqlStoreSettings.Builder;

/** The environment keys of {@link SqlStoreSettings}. */
final class SqlStoreKeys {
  /** A database URL; its message redacts the password, so this parser does not repeat the value. */
  static final Parser<DatabaseUrl> DATABASE_URL =
      (key, text) -> {
        try {
          return DatabaseUrl.parse(key, text);
        } catch (IllegalArgumentException e) {
          throw new StartupCheckException(
              e.getMessage(),
              "set "
                  + key
                  + " to postgres://user:password@host:5432/database, or several hosts"
                  + " postgres://user:password@host1:5432,host2:5432/database (percent-encode"
                  + " special characters in the password)");
        }
      };

  /** Given to {@link SqlStoreSettings#builder}, so it has no setter. */
  static final Key<DatabaseUrl> URL = Key.described("DATABASE_URL", "url", DATABASE_URL, "—");

  static final KeyTable<Builder> TABLE =
      KeyTable.<Builder>of(SqlStoreSettings.class)
          .withKeys(URL)
          .with(
              Key.of(
                  "GENIE_MIGRATE",
                  "migrate",
                  Parser.accepting("one of apply, validate, off", MigrateMode::parse),
                  "apply"),
              Builder::migrate)
          .with(LogSettings.LOG_SQL, Builder::logSql)
          .with(
              Key.described(
                  "GENIE_DB_POOL_SIZE", "poolSize", WHOLE_NUMBER, "2 × cores + 1, at least 16"),
              Builder::poolSize)
          .with(
              Key.of("GENIE_DB_CONNECTION_TIMEOUT_MS", "connectionTimeout", MILLIS, "2000"),
              Builder::connectionTimeout)
          .with(
              Key.of("GENIE_DB_STATEMENT_TIMEOUT_MS", "statementTimeout", MILLIS, "5000"),
              Builder::statementTimeout)
          .with(
              Key.of("GENIE_DB_LOCK_TIMEOUT_MS", "lockTimeout", MILLIS, "2000"),
              Builder::lockTimeout)
          .with(
              Key.of("GENIE_COMPLETED_CACHE_MB", "completedCacheMegabytes", WHOLE_NUMBER, "16"),
              (builder, megabytes) -> builder.completedCacheMegabytes(megabytes))
          .with(
              Key.of("GENIE_DB_FAILOVER_WAIT_MS", "failoverWait", MILLIS, "10000"),
              Builder::failoverWait)
          .with(
              Key.of("GENIE_DB_GROUP_COMMIT_MAX", "groupCommitMax", WHOLE_NUMBER, "64"),
              Builder::groupCommitMax)
          .with(
              Key.described("GENIE_DB_LISTEN_URL", "listenUrl", DATABASE_URL, "DATABASE_URL"),
              Builder::listenUrl)
          .with(
              Key.of(
                  "GENIE_DB_POOLER",
                  "pooler",
                  Parser.accepting("one of auto, none, transaction", Pooler::parse),
                  "auto"),
              Builder::pooler);

  private SqlStoreKeys() {}

  static SqlStoreSettings read(Env env, DatabaseUrl url) {
    return TABLE.apply(env, SqlStoreSettings.builder(url)).build();
  }
}
