package dev.genie.persistence.sql.internal;

import dev.genie.persistence.SchemaException;
import dev.genie.persistence.StoreUnavailableException;
import dev.genie.persistence.sql.MigrateMode;
import dev.genie.persistence.sql.SqlStoreSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.CoreErrorCode;
import org.flywaydb.core.api.ErrorCode;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.output.ValidateOutput;
import org.flywaydb.core.api.output.ValidateResult;

/** Brings the schema to this build's version, or checks that it is there, as configured. */
public final class Schema {
  private static final String LOCATION = "classpath:" + CurrentSchema.FOLDER;
  public static final String HISTORY_TABLE = "genie_schema_history";
  private static final String FIX_MISSING =
      "set SqlStoreSettings.migrate=apply, or run 'java -jar genie.jar migrate'";

  private Schema() {}

  /**
   * Prepares the schema, migrating it on connections outside the pool, and returns its version.
   *
   * @throws SchemaException when it is missing, newer than this build, or cannot be migrated
   */
  public static String prepare(ConnectionPool pool, SqlStoreSettings settings) {
    return prepare(
        pool.dataSource(),
        new PrimaryDataSource(
            settings.url().jdbcUrl(),
            ConnectionSettings.forMigration(settings, pool.pooled()),
            settings.connectionTimeout()),
        settings.migrate());
  }

  /**
   * Prepares the schema with {@code dataSource} alone and returns its version.
   *
   * @throws SchemaException when it is missing, newer than this build, or cannot be migrated
   */
  public static String prepare(DataSource dataSource, MigrateMode mode) {
    return prepare(dataSource, dataSource, mode);
  }

  private static String prepare(DataSource dataSource, DataSource migrating, MigrateMode mode) {
    if (mode == MigrateMode.OFF) {
      probeTables(dataSource);
    }
    Optional<String> exactlyThisBuilds = CurrentSchema.version(dataSource, HISTORY_TABLE);
    if (exactlyThisBuilds.isPresent()) {
      return exactlyThisBuilds.get();
    }
    Flyway flyway =
        Flyway.configure(Schema.class.getClassLoader())
            .dataSource(migrating)
            .locations(LOCATION)
            .table(HISTORY_TABLE)
            .baselineOnMigrate(true)
            .baselineVersion("0")
            // Through SLF4J like the rest of Genie, never Flyway's fallback to java.util.logging.
            .loggers("slf4j")
            .load();
    try {
      switch (mode) {
        case APPLY -> {
          refuseNewer(flyway);
          flyway.migrate();
        }
        case VALIDATE -> {
          refuseNewer(flyway);
          ValidateResult result = flyway.validateWithResult();
          if (!result.validationSuccessful) {
            throw mismatch(result);
          }
        }
        case OFF -> {} // the tables were found above
      }
      MigrationInfo current = flyway.info().current();
      return current == null || current.getVersion() == null
          ? "unmanaged"
          : current.getVersion().getVersion();
    } catch (FlywayException e) {
      // Only the first line: the rest is advice for Flyway's own command line.
      String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("").strip();
      throw new SchemaException("could not prepare the schema: " + message + "; " + FIX_MISSING, e);
    }
  }

  /** What differs, in Genie's words: Flyway's messages advise options of its command line. */
  private static SchemaException mismatch(ValidateResult result) {
    boolean onlyPending = !result.invalidMigrations.isEmpty();
    List<String> problems = new ArrayList<>();
    for (ValidateOutput migration : result.invalidMigrations) {
      ErrorCode code = migration.errorDetails == null ? null : migration.errorDetails.errorCode;
      onlyPending &= code == CoreErrorCode.RESOLVED_VERSIONED_MIGRATION_NOT_APPLIED;
      problems.add("migration " + migration.version + " " + problem(code));
    }
    if (problems.isEmpty()) {
      problems.add("its history table disagrees with this build's migrations");
    }
    return new SchemaException(
        "the schema does not match this build: "
            + String.join(", ", problems)
            + "; "
            + (onlyPending
                ? FIX_MISSING
                : "the schema was changed outside this build: restore it, or point"
                    + " SqlStoreSettings.url at a new database"));
  }

  private static String problem(ErrorCode code) {
    if (!(code instanceof CoreErrorCode core)) {
      return "does not match";
    }
    return switch (core) {
      case RESOLVED_VERSIONED_MIGRATION_NOT_APPLIED -> "is not applied yet";
      case APPLIED_VERSIONED_MIGRATION_NOT_RESOLVED -> "is applied but unknown to this build";
      case FAILED_VERSIONED_MIGRATION -> "failed when it was applied";
      case CHECKSUM_MISMATCH -> "was changed after it was applied (its checksum differs)";
      case DESCRIPTION_MISMATCH -> "was changed after it was applied (its description differs)";
      case TYPE_MISMATCH -> "was changed after it was applied (its type differs)";
      default -> "does not match (" + core.name().toLowerCase(Locale.ROOT) + ")";
    };
  }

  private static void refuseNewer(Flyway flyway) {
    String future =
        Arrays.stream(flyway.info().applied())
            .filter(
                info ->
                    info.getState() == MigrationState.FUTURE_SUCCESS
                        || info.getState() == MigrationState.FUTURE_FAILED)
            .map(info -> info.getVersion().getVersion())
            .collect(Collectors.joining(", "));
    if (!future.isEmpty()) {
      throw new SchemaException(
          "the schema has migrations this build does not know ("
              + future
              + "): it is newer than this build; run a Genie release that includes them");
    }
  }

  private static void probeTables(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("SELECT 1 FROM genie_prompts, genie_results LIMIT 0");
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        throw new SchemaException(
            "the schema is missing (SqlStoreSettings.migrate=off and no genie_prompts table); "
                + FIX_MISSING,
            e);
      }
      throw new StoreUnavailableException("could not check the schema: " + e.getMessage(), e);
    }
  }
}
