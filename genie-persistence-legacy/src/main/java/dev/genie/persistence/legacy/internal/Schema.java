package dev.genie.persistence.legacy.internal;

import dev.genie.persistence.SchemaException;
import dev.genie.persistence.StoreException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

/**
 * The store's tables, created and migrated in order on open. The version is SQLite's {@code
 * user_version}; a file marked with another {@code application_id} is not Genie's. A new version
 * appends one entry to {@link #MIGRATIONS} (new key-store columns are an {@code ALTER TABLE ... ADD
 * COLUMN}, a new per-key table one {@code CREATE TABLE}).
 */
public final class Schema {
  /** "GENI": marks the file as Genie's, for {@code file(1)} and for the check on open. */
  static final int APPLICATION_ID = 0x47454e49;

  private static final List<List<String>> MIGRATIONS =
      List.of(
          List.of(
              "CREATE TABLE genie_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
              // Profiles are few and long: kept once, not on every prompt.
              "CREATE TABLE genie_profiles (id TEXT PRIMARY KEY, profile TEXT NOT NULL)"
                  + " WITHOUT ROWID",
              // One row per prompt with its one result. seq only grows (no row is ever deleted),
              // so max(seq) is the count, read in O(log n).
              "CREATE TABLE genie_prompts ("
                  + " seq INTEGER PRIMARY KEY,"
                  + " id TEXT NOT NULL UNIQUE,"
                  + " prompt_key TEXT NOT NULL UNIQUE,"
                  + " namespace TEXT NOT NULL,"
                  + " raw_text TEXT NOT NULL,"
                  + " normalized_text TEXT NOT NULL,"
                  + " normalizer_version INTEGER NOT NULL,"
                  + " profile_id TEXT NOT NULL REFERENCES genie_profiles (id),"
                  + " created_at INTEGER NOT NULL,"
                  + " result_id TEXT NOT NULL UNIQUE,"
                  + " status INTEGER NOT NULL,"
                  + " envelope TEXT,"
                  + " error TEXT,"
                  + " attempts INTEGER NOT NULL,"
                  + " lease_owner TEXT,"
                  + " lease_expires_at INTEGER,"
                  + " fencing_token INTEGER NOT NULL,"
                  + " result_created_at INTEGER NOT NULL,"
                  + " updated_at INTEGER NOT NULL,"
                  + " completed_at INTEGER,"
                  + " upstream_status INTEGER NOT NULL,"
                  + " retry_after_ms INTEGER)",
              "CREATE INDEX genie_prompts_newest ON genie_prompts (created_at, id)",
              "CREATE INDEX genie_prompts_namespace_newest"
                  + " ON genie_prompts (namespace, created_at, id)",
              "CREATE INDEX genie_prompts_pending ON genie_prompts (lease_expires_at)"
                  + " WHERE status = 1",
              "CREATE TABLE genie_keys ("
                  + " name TEXT PRIMARY KEY,"
                  + " key_hash BLOB NOT NULL UNIQUE,"
                  + " namespace TEXT NOT NULL,"
                  + " rate_per_second INTEGER NOT NULL,"
                  + " daily_tokens INTEGER NOT NULL,"
                  + " admin INTEGER NOT NULL,"
                  + " created_at INTEGER NOT NULL,"
                  + " last_used_at INTEGER,"
                  + " revoked_at INTEGER) WITHOUT ROWID",
              "CREATE TABLE genie_token_usage ("
                  + " name TEXT NOT NULL,"
                  + " day INTEGER NOT NULL,"
                  + " tokens INTEGER NOT NULL,"
                  + " PRIMARY KEY (name, day)) WITHOUT ROWID"),
          // 2: budgets. The name of the key whose request last started the prompt's generation:
          // a takeover or a sweep of it is charged to that key. Null for prompts generated
          // without keys; kept by name, as genie_token_usage keeps spending.
          List.of("ALTER TABLE genie_prompts ADD COLUMN generation_key TEXT"));

  /** The version this build writes. */
  public static final int VERSION = MIGRATIONS.size();

  private Schema() {}

  /**
   * Checks that {@code db} is Genie's and not newer than this build, then applies the migrations it
   * lacks, each in its own transaction.
   *
   * @throws SchemaException when the file is newer than this build, or not Genie's
   */
  static void migrate(Db db) throws SQLException {
    Path file = db.file();
    long applicationId = db.queryLong("PRAGMA application_id");
    long version = db.queryLong("PRAGMA user_version");
    long tables = db.queryLong("SELECT count(*) FROM sqlite_schema");
    if (applicationId != APPLICATION_ID && (applicationId != 0 || tables > 0)) {
      throw new StoreException(
          file
              + " is a SQLite database, but not Genie's (application_id "
              + applicationId
              + "); LegacyStoreSettings.dataDir must name a directory that only Genie writes to");
    }
    if (version > VERSION) {
      throw new SchemaException(
          "the legacy store's database "
              + file
              + " has schema version "
              + version
              + ", newer than this Genie's "
              + VERSION
              + "; open it with the Genie that wrote it (or a newer one), or set"
              + " LegacyStoreSettings.dataDir to another directory");
    }
    for (int v = (int) version; v < VERSION; v++) {
      db.exec("BEGIN IMMEDIATE");
      try {
        for (String statement : MIGRATIONS.get(v)) {
          db.exec(statement);
        }
        db.exec("PRAGMA application_id = " + APPLICATION_ID);
        db.exec("PRAGMA user_version = " + (v + 1));
        db.exec("COMMIT");
      } catch (SQLException | RuntimeException e) {
        db.exec("ROLLBACK");
        throw e;
      }
    }
  }
}
