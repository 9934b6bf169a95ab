package dev.genie.it.support;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the suite's PostgreSQL comes from, and the refusals that keep it safe and loud. */
class PostgresServerTest {

  @Test
  void withNeitherDatabaseUrlNorDockerTheSuiteFailsSayingHowToProvideOne() {
    assertThatThrownBy(() -> PostgresServer.start(Map.of(), () -> false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("DATABASE_URL is not set and Docker is not available")
        .hasMessageContaining("set DATABASE_URL=postgres://")
        .hasMessageContaining("start Docker so that Testcontainers can run postgres:16");
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
