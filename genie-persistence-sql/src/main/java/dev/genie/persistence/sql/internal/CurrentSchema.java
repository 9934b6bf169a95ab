package dev.genie.persistence.sql.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32;
import javax.sql.DataSource;

/**
 * Recognizes, without starting Flyway, a schema that is exactly this build's: each of its
 * migrations applied once, successfully, with the checksum Flyway gave it, and nothing else.
 * Starting Flyway costs about a third of a second, which on such a schema buys nothing; anything
 * else (no history yet, a failed, edited, missing or newer migration) is left to Flyway, which
 * migrates, validates or explains.
 */
public final class CurrentSchema {
  /** This build's migrations, oldest first; a test checks that the folder holds exactly these. */
  public static final List<String> MIGRATIONS =
      List.of(
          "V1__prompts_and_results.sql",
          "V2__pending_lease_index.sql",
          "V3__generation_profile_in_prompt_key.sql",
          "V5__keys_namespaces_and_token_budgets.sql");

  public static final String FOLDER = "dev/genie/persistence/sql/migration";

  /** This build's schema version: that of its last migration, {@code V<version>__…}. */
  public static String latestVersion() {
    return MIGRATIONS.get(MIGRATIONS.size() - 1).split("__")[0].substring(1);
  }

  private record Applied(String version, Integer checksum, boolean success) {
    // Spelled out: a record's generated equals is linked at its first call, which at startup
    // costs some 20 ms of method-handle spinning for one comparison.
    @Override
    public boolean equals(Object other) {
      return other instanceof Applied that
          && version.equals(that.version)
          && Objects.equals(checksum, that.checksum)
          && success == that.success;
    }

    @Override
    public int hashCode() {
      return Objects.hash(version, checksum, success);
    }
  }

  private CurrentSchema() {}

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
    List<Applied> expected = expected();
    return applied.equals(expected)
        ? Optional.of(expected.get(expected.size() - 1).version())
        : Optional.empty();
  }

  private static List<Applied> expected() {
    List<Applied> expected = new ArrayList<>();
    for (String script : MIGRATIONS) {
      String version = script.substring(1, script.indexOf("__")).replace('_', '.');
      expected.add(new Applied(version, checksum(script), true));
    }
    return expected;
  }

  /** Flyway's checksum: CRC-32 over the script's lines in UTF-8, without their line breaks. */
  static int checksum(String script) {
    CRC32 crc = new CRC32();
    try (InputStream in =
        CurrentSchema.class.getClassLoader().getResourceAsStream(FOLDER + "/" + script)) {
      if (in == null) {
        throw new IllegalStateException(
            "migration " + script + " is not on the class path; this is a bug");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line = reader.readLine();
      if (line != null && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      for (; line != null; line = reader.readLine()) {
        crc.update(line.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read migration " + script, e);
    }
    return (int) crc.getValue();
  }
}
