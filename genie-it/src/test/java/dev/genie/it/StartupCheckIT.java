package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.PostgresServer;
import dev.genie.it.support.TestDatabase;
import dev.genie.persistence.sql.DatabaseUrl;
import dev.genie.persistence.sql.SqlPromptStore;
import dev.genie.persistence.sql.SqlStoreSettings;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The startup check of the packaged jar, run as a child process: with the database required, each
 * unusable configuration ends the process with status 78 and the banner before the port is bound.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StartupCheckIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final String SENTINEL = "SENTINEL-Pa55-9e2d";

  @TempDir Path workDir;

  @Test
  void noDatabaseUrl() throws Exception {
    int port = GenieProcess.freePort();
    Map<String, String> env = env("GENIE_REQUIRE_DB", "1");
    env.put("GENIE_PORT", Integer.toString(port));

    String banner = refused(env);

    assertThat(banner).contains("DATABASE_URL is not set").contains("fix:   set DATABASE_URL=");
    try (ServerSocket stillFree = new ServerSocket(port)) {
      assertThat(stillFree.getLocalPort()).as("the port was never bound").isEqualTo(port);
    }
  }

  @Test
  void theOldFlagOfTheNodeServer() throws Exception {
    String banner = refused(env("USE_PRISMA_IN_TEST", "1"));

    assertThat(banner).contains("USE_PRISMA_IN_TEST=1");
  }

  @Test
  void aMalformedUrl() throws Exception {
    Map<String, String> env = env("GENIE_REQUIRE_DB", "1");
    env.put("DATABASE_URL", "postgres://genie:" + SENTINEL + "@:5432/");

    assertThat(refused(env)).contains("DATABASE_URL is malformed");
  }

  @Test
  void anUnreachableDatabase() throws Exception {
    Map<String, String> env = env("GENIE_REQUIRE_DB", "1");
    env.put(
        "DATABASE_URL",
        "postgres://genie:" + SENTINEL + "@127.0.0.1:" + GenieProcess.freePort() + "/x");

    assertThat(refused(env))
        .contains("cannot connect to PostgreSQL at postgres://genie:***@")
        .contains("fix:   start PostgreSQL");
  }

  @Test
  void aDatabaseThatDoesNotExistIsToBeCreated(PostgresServer postgres) throws Exception {
    DatabaseUrl server = DatabaseUrl.parse(postgres.database().databaseUrl());
    String missing = "genie_missing_" + Long.toHexString(System.nanoTime());
    Map<String, String> env = env("GENIE_REQUIRE_DB", "1");
    env.put("DATABASE_URL", postgres.database().databaseUrl().replace(server.database(), missing));

    String banner = refused(env);

    assertThat(banner)
        .contains("cause: the database '" + missing + "' does not exist on PostgreSQL at ")
        .contains("fix:   create it: createdb -h " + server.host())
        .contains("CREATE DATABASE " + missing)
        .doesNotContain("start PostgreSQL");
  }

  @Test
  void aMissingSchemaThatMayNotBeMigrated(PostgresServer postgres) throws Exception {
    TestDatabase database = postgres.freshDatabase();
    Map<String, String> env = env("GENIE_REQUIRE_DB", "1");
    env.put("DATABASE_URL", database.databaseUrl());
    env.put("GENIE_MIGRATE", "validate");

    String banner = refused(env);

    assertThat(banner)
        .contains("the schema does not match this build: migration 1 is not applied yet")
        .contains("GENIE_MIGRATE=apply")
        .doesNotContain("ignoreMigrationPatterns")
        .doesNotContain("either run migrate");
  }

  @Test
  void aSchemaNewerThanThisBuild(PostgresServer postgres) throws Exception {
    TestDatabase database = postgres.freshDatabase();
    SqlPromptStore.open(SqlStoreSettings.builder(DatabaseUrl.parse(database.databaseUrl())).build())
        .close();
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "INSERT INTO genie_schema_history (installed_rank, version, description, type, script,"
              + " checksum, installed_by, execution_time, success) VALUES (99, '99', 'from the"
              + " future', 'SQL', 'V99__from_the_future.sql', 0, current_user, 1, true)");
    }
    Map<String, String> env = env("GENIE_REQUIRE_DB", "1");
    env.put("DATABASE_URL", database.databaseUrl());

    assertThat(refused(env)).contains("newer than this build");
  }

  @Test
  void aGoodConfigurationServesFromSqlAndStopsCleanlyOnSigterm(PostgresServer postgres)
      throws Exception {
    TestDatabase database = postgres.freshDatabase();
    Map<String, String> env = env("GENIE_REQUIRE_DB", "1");
    env.put("DATABASE_URL", database.databaseUrl());
    env.put("GENIE_PORT", "0");

    try (GenieProcess genie = GenieProcess.start(workDir, env)) {
      GenieClient client = new GenieClient(URI.create(genie.awaitServing(PATIENCE)), PATIENCE);
      GenieResponse health = client.get("/health");
      GenieResponse created = client.post("a prompt for the packaged jar");
      genie.terminate();

      assertThat(health.status()).isEqualTo(200);
      assertThat(health.text("storage")).isEqualTo("sql");
      assertThat(health.json().path("schemaVersion").isInt())
          .as("schemaVersion a JSON number: " + health.body())
          .isTrue();
      assertThat(created.status()).isEqualTo(201);
      assertThat(created.header("Genie-Storage")).isEqualTo("sql");
      assertThat(genie.awaitExit(PATIENCE)).isZero();
      assertThat(genie.stdout())
          .contains("from the sql store")
          .contains("database=" + database.name())
          .contains("; generator sample, model genie-sample-1; ")
          .contains("Genie stopped");
    }
  }

  /** Runs the jar, expects status 78 and the banner, and returns stderr. */
  private String refused(Map<String, String> env) throws Exception {
    try (GenieProcess genie = GenieProcess.start(workDir, env)) {
      int status = genie.awaitExit(PATIENCE);
      String stderr = genie.stderr();
      assertThat(status).as("exit status; stderr: " + stderr).isEqualTo(78);
      assertThat(stderr).startsWith("GENIE STARTUP CHECK FAILED\n").contains("cause:", "fix:");
      assertThat(stderr + genie.stdout()).doesNotContain(SENTINEL);
      assertThat(genie.stdout()).doesNotContain("Genie serving");
      return stderr;
    }
  }

  private static Map<String, String> env(String key, String value) {
    Map<String, String> env = new HashMap<>();
    env.put(key, value);
    return env;
  }
}
