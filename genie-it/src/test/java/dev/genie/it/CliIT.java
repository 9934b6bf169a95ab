package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.http.cli.GenieVersion;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.PostgresServer;
import dev.genie.it.support.TestDatabase;
import dev.genie.persistence.sql.internal.CurrentSchema;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar's command line as users run it: {@code --help}, {@code --version}, {@code
 * migrate} and {@code check} against PostgreSQL, and the log directory's files.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CliIT {
  private static final String LATEST_SCHEMA = CurrentSchema.latestVersion();

  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final String SENTINEL = "SENTINEL-cli-7f3a";

  @TempDir Path workDir;
  private int runs;

  @Test
  void helpAndVersionPrintAndExitWithoutLoggingAnything() throws Exception {
    Run help = run(Map.of(), "--help");
    Run version = run(Map.of(), "--version");

    assertThat(help.status()).isZero();
    assertThat(help.stdout()).contains("serve", "migrate", "check", "DATABASE_URL", "78");
    assertThat(version.status()).isZero();
    assertThat(version.stdout()).startsWith("genie " + GenieVersion.current() + "\n");
    assertThat(help.directory().resolve("logs")).doesNotExist();
  }

  @Test
  void migrateAppliesTheSchemaOnceAndCheckThenPassesWithoutServing(PostgresServer postgres)
      throws Exception {
    TestDatabase database = postgres.freshDatabase();
    Map<String, String> env = databaseEnv(database);

    Run migrated = run(env, "migrate");
    Run again = run(env, "migrate");
    int port = GenieProcess.freePort();
    env.put("GENIE_REQUIRE_DB", "1");
    env.put("GENIE_MIGRATE", "validate");
    env.put("GENIE_PORT", Integer.toString(port));
    Run checked = run(env, "check");

    assertThat(migrated.status()).as(migrated.stderr()).isZero();
    assertThat(migrated.stdout())
        .contains("the schema of database " + database.name())
        .contains("is at version " + LATEST_SCHEMA);
    assertThat(again.status()).as("a second migrate changes nothing").isZero();
    assertThat(
            database.number(
                "SELECT count(*) FROM genie_schema_history WHERE success AND type = 'SQL'"))
        .isEqualTo(CurrentSchema.MIGRATIONS.size());
    assertThat(tableExists(database, "genie_prompts")).isTrue();
    assertThat(tableExists(database, "genie_results")).isTrue();

    assertThat(checked.status()).as(checked.stderr()).isZero();
    assertThat(checked.stdout())
        .contains("Genie check passed")
        .contains("from the sql store")
        .contains("database=" + database.name())
        .contains("generator sample, model genie-sample-1")
        .doesNotContain("Genie serving");
    for (Run run : List.of(migrated, again, checked)) {
      assertThat(run.stdout() + run.stderr())
          .as("a short-lived command's pool closes without a warning")
          .doesNotContain(" WARN ");
    }
    try (ServerSocket stillFree = new ServerSocket(port)) {
      assertThat(stillFree.getLocalPort()).as("check never binds the port").isEqualTo(port);
    }
  }

  @Test
  void keysCreatePrintsTheKeyAloneOnTheLastLineOfStandardOutput(PostgresServer postgres)
      throws Exception {
    TestDatabase database = postgres.freshDatabase();
    Map<String, String> env = databaseEnv(database);
    run(env, "migrate");

    Run created = run(env, "keys", "create", "--name", "scripted", "--daily-tokens", "1000");

    assertThat(created.status()).as(created.stderr()).isZero();
    assertThat(created.stdout().lines().toList())
        .as("the pool's logs go to standard error")
        .hasSize(2)
        .last()
        .asString()
        .matches("genie_[A-Za-z0-9_-]{43}");
    assertThat(database.number("SELECT count(*) FROM genie_api_keys WHERE name = 'scripted'"))
        .isEqualTo(1);
    assertThat(created.stderr()).doesNotContain(" WARN ");
  }

  @Test
  void checkRefusesAnUnmigratedSchemaAndLeavesTheDatabaseAlone(PostgresServer postgres)
      throws Exception {
    TestDatabase database = postgres.freshDatabase();
    Map<String, String> env = databaseEnv(database);
    env.put("GENIE_REQUIRE_DB", "1");
    env.put("GENIE_MIGRATE", "validate");

    Run checked = refused(run(env, "check"));

    assertThat(checked.stderr()).contains("the schema does not match this build");
    assertThat(tableExists(database, "genie_prompts")).isFalse();
  }

  @Test
  void migrateRefusesAnUnreachableDatabaseWithTheBanner() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put(
        "DATABASE_URL",
        "postgres://genie:" + SENTINEL + "@127.0.0.1:" + GenieProcess.freePort() + "/x");

    Run migrated = refused(run(env, "migrate"));

    assertThat(migrated.stderr()).contains("cannot connect to PostgreSQL at postgres://genie:***@");
  }

  @Test
  void migrateRefusesToRunWithoutADatabaseUrl() throws Exception {
    Run migrated = refused(run(Map.of(), "migrate"));

    assertThat(migrated.stderr())
        .contains("migrate needs PostgreSQL, and DATABASE_URL is not set")
        .contains("fix:   set DATABASE_URL=");
  }

  @Test
  void theLogDirectoryHoldsTheServerLogAndWithGenieLogSqlTheStatements(PostgresServer postgres)
      throws Exception {
    TestDatabase database = postgres.freshDatabase();
    Path logs = workDir.resolve("var-log");
    Map<String, String> env = databaseEnv(database);
    env.put("GENIE_REQUIRE_DB", "1");
    env.put("GENIE_PORT", "0");
    env.put("GENIE_LOG_DIR", logs.toString());
    env.put("GENIE_LOG_SQL", "1");
    String prompt = "a prompt that must not be copied into the SQL log " + SENTINEL;

    GenieResponse created;
    try (GenieProcess genie = GenieProcess.start(directory(), env, "serve")) {
      GenieClient client = new GenieClient(URI.create(genie.awaitServing(PATIENCE)), PATIENCE);
      created = client.post(prompt);
      genie.terminate();
      assertThat(genie.awaitExit(PATIENCE)).isZero();
    }

    assertThat(created.status()).isEqualTo(201);
    String serverLog = Files.readString(logs.resolve("genie.log"), StandardCharsets.UTF_8);
    assertThat(serverLog)
        .contains("Genie serving on")
        .contains("POST /prompts 201 ")
        .contains("id=" + created.header("X-Request-Id"))
        .contains("Genie stopped");
    String sqlLog = Files.readString(logs.resolve("sql.log"), StandardCharsets.UTF_8);
    assertThat(sqlLog)
        .containsPattern("PromptMapper\\.claim \\d+\\.\\d\\d ms rows=1 \\| WITH new_prompt AS")
        .containsPattern("PromptMapper\\.complete \\d+\\.\\d\\d ms rows=1 \\| ")
        .doesNotContain(SENTINEL);
    if (!database.password().isEmpty()) {
      assertThat(serverLog + sqlLog).doesNotContain(database.password());
    }
  }

  @Test
  void aLogDirectoryThatCannotBeWrittenStopsServeAndCheck() throws Exception {
    Path file = Files.writeString(workDir.resolve("a-file"), "not a directory");
    Map<String, String> env =
        Map.of("GENIE_LOG_DIR", file.resolve("logs").toString(), "GENIE_PORT", "0");

    for (String command : new String[] {"check", "serve"}) {
      Run run = refused(run(env, command));

      assertThat(run.stderr())
          .as(command)
          .contains("cause: GENIE_LOG_DIR is '" + file.resolve("logs") + "'")
          .contains("fix:   set GENIE_LOG_DIR to a directory");
    }
  }

  private static final int SIGINT = 2;

  /** What the README says of a script's background start: SIGINT arrives ignored, SIGTERM stops. */
  @Test
  void startedWithSigintIgnoredItServesOnAfterSigintAndStopsOnSigterm() throws Exception {
    Map<String, String> env = Map.of("GENIE_PORT", "0");

    try (GenieProcess genie = GenieProcess.startIgnoringSigint(directory(), env, "serve")) {
      GenieClient client = new GenieClient(URI.create(genie.awaitServing(PATIENCE)), PATIENCE);
      // Ignored, SIGINT is discarded as it is sent: nothing of it can arrive later.
      assertThat(genie.ignores(SIGINT)).as("SIGINT ignored by the JVM").isTrue();
      genie.interrupt();
      assertThat(client.post("after SIGINT").status()).isEqualTo(201);
      assertThat(genie.isAlive()).isTrue();
      assertThat(genie.stdout()).doesNotContain("Genie stopped");

      genie.terminate();
      assertThat(genie.awaitExit(PATIENCE)).isZero();
    }
  }

  @Test
  void withoutGenieLogSqlThereIsNoSqlLog(PostgresServer postgres) throws Exception {
    TestDatabase database = postgres.freshDatabase();
    Path logs = workDir.resolve("quiet");
    Map<String, String> env = databaseEnv(database);
    env.put("GENIE_PORT", "0");
    env.put("GENIE_LOG_DIR", logs.toString());

    try (GenieProcess genie = GenieProcess.start(directory(), env)) {
      GenieClient client = new GenieClient(URI.create(genie.awaitServing(PATIENCE)), PATIENCE);
      assertThat(client.post("a prompt").status()).isEqualTo(201);
      genie.terminate();
      assertThat(genie.awaitExit(PATIENCE)).isZero();
    }

    assertThat(logs.resolve("genie.log")).content().contains("POST /prompts 201 ");
    assertThat(logs.resolve("sql.log")).doesNotExist();
  }

  /** What one run of the jar left: its status and output. */
  private record Run(int status, String stdout, String stderr, Path directory) {}

  /** Runs the jar to its end in a directory of its own. */
  private Run run(Map<String, String> env, String... args) throws Exception {
    Path directory = directory();
    try (GenieProcess genie = GenieProcess.start(directory, env, args)) {
      int status = genie.awaitExit(PATIENCE);
      return new Run(status, genie.stdout(), genie.stderr(), directory);
    }
  }

  /** An environment that names {@code database}, for the test to add to. */
  private static Map<String, String> databaseEnv(TestDatabase database) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", database.databaseUrl());
    return env;
  }

  private static Run refused(Run run) {
    assertThat(run.status()).as("exit status; stderr: " + run.stderr()).isEqualTo(78);
    assertThat(run.stderr()).startsWith("GENIE STARTUP CHECK FAILED\n").contains("cause:", "fix:");
    assertThat(run.stdout() + run.stderr()).doesNotContain(SENTINEL);
    return run;
  }

  private Path directory() throws Exception {
    return Files.createDirectories(workDir.resolve("run-" + (++runs)));
  }

  private static boolean tableExists(TestDatabase database, String table) throws Exception {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
      rows.next();
      return rows.getBoolean(1);
    }
  }
}
