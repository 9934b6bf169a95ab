package dev.genie.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Where the suite's PostgreSQL comes from, and the refusals that keep it safe and loud. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostgresServerTest {

  @Test
  void withNeitherDatabaseUrlNorDockerTheSuiteStartsItsOwnPostgres() throws Exception {
    TestDatabase database;
    try (PostgresServer server = PostgresServer.start(Map.of(), () -> false)) {
      database = server.database();

      assertThat(server.toString())
          .contains("from the suite's embedded PostgreSQL at postgres://postgres@127.0.0.1:");
      assertThat(database.number("select current_setting('server_version_num')::int"))
          .isGreaterThanOrEqualTo(160000);
      assertThat(
              database.number(
                  "select count(*) from pg_settings where name ="
                      + " 'synchronous_commit' and setting = 'on'"))
          .as("acknowledged commits survive a crash of the server")
          .isEqualTo(1);
    }
    assertThatThrownBy(database::connect)
        .as("the cluster is stopped with the run")
        .isInstanceOf(SQLException.class);
  }

  @Test
  void aServerElsewhereIsRefusedUnlessAllowed() {
    Map<String, String> env =
        Map.of("DATABASE_URL", "postgres://ci:SENTINEL-secret@db.example.com:5432/postgres");

    assertThatThrownBy(() -> PostgresServer.start(env, () -> false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("db.example.com:5432")
        .hasMessageContaining("GENIE_IT_ALLOW_REMOTE_DB=1")
        .hasMessageNotContaining("SENTINEL");
  }

  @Test
  void aMalformedUrlIsReportedAsGenieWouldReportIt() {
    assertThatThrownBy(
            () -> PostgresServer.start(Map.of("DATABASE_URL", "mysql://x@y/z"), () -> false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("DATABASE_URL is malformed");
  }
}
