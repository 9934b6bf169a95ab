package dev.genie.persistence.sql.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * This build's schema, and whether a database is exactly at it: each of this build's migrations
 * applied once, successfully, with the checksum Flyway gives it, and nothing else. Such a schema
 * needs nothing from Flyway, whose start is most of a start's work on the database; anything else
 * (no history yet, a failed, edited, missing or newer migration) is left to Flyway, which migrates,
 * validates or explains. The checksums are not computed here: CurrentSchemaTest has Flyway compute
 * them from the scripts, so a changed script or a Flyway that computes differently fails the build.
 */
public final class CurrentSchema {
  /** A migration script and the checksum Flyway records for it. */
  record Migration(String script, int checksum) {
    /** {@code V1__name.sql} is version {@code 1}; {@code V1_2__…} is {@code 1.2}. */
    String version() {
      return script.substring(1, script.indexOf("__")).replace('_', '.');
    }
  }

  /** This build's migrations, oldest first; a test checks that the folder holds exactly these. */
  static final List<Migration> EXPECTED =
      List.of(
          new Migration("V1__prompts_and_results.sql", 1298474568),
          new Migration("V2__pending_lease_index.sql", 1295578360),
          new Migration("V3__generation_profile_in_prompt_key.sql", 1973404435),
          new Migration("V5__keys_namespaces_and_token_budgets.sql", -773635390),
          new Migration("V6__upstream_status_of_failures.sql", -137343566),
          new Migration("V7__generation_key_of_prompts.sql", -1310106005));

  /** The names of this build's migrations, oldest first. */
  public static final List<String> MIGRATIONS = EXPECTED.stream().map(Migration::script).toList();

  public static final String FOLDER = "dev/genie/persistence/sql/migration";

  private record Applied(String version, Integer checksum, boolean success) {}

  private CurrentSchema() {}

  /** This build's schema version: that of its last migration. */
  public static String latestVersion() {
    return EXPECTED.get(EXPECTED.size() - 1).version();
  }

  /** The schema's version when it is exactly this build's; empty when Flyway should decide. */
  public static Optional<String> version(DataSource dataSource, String historyTable) {
    List<Applied> applied = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT type, version, checksum, success FROM "
                    + historyTable
                    + " ORDER BY installed_rank")) {
      while (rows.next()) {
        String type = rows.getString(1);
        if ("SQL".equals(type)) {
          int checksum = rows.getInt(3);
          applied.add(
              new Applied(rows.getString(2), rows.wasNull() ? null : checksum, rows.getBoolean(4)));
        } else if (!"SCHEMA".equals(type) && !"BASELINE".equals(type)) {
          return Optional.empty();
        }
      }
    } catch (SQLException e) {
      return Optional.empty(); // most often: no history table yet
    }
    List<Applied> expected =
        EXPECTED.stream()
            .map(migration -> new Applied(migration.version(), migration.checksum(), true))
            .toList();
    return applied.equals(expected) ? Optional.of(latestVersion()) : Optional.empty();
  }
}
