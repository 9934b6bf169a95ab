package dev.genie.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.http.config.GenieConfig;
import dev.genie.http.wiring.Launcher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The startup check without a database: every way to be refused before the port is bound. The cases
 * that need PostgreSQL (an unusable schema) and the packaged jar are in genie-it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StartupCheckTest {
  private static final String SENTINEL = "SENTINEL-pw-4f1c";

  @TempDir Path dataDir;

  @Test
  void theDatabaseRequiredWithoutAUrlIsRefused() {
    assertRefused(
        env("GENIE_REQUIRE_DB", "1"),
        "the database is required (GENIE_REQUIRE_DB=1) but the store resolved to 'legacy'"
            + " because DATABASE_URL is not set",
        "set DATABASE_URL=postgres://");
  }

  @Test
  void theRequiringSettingIsEchoedAsItWasGiven() {
    assertRefused(
        env("GENIE_REQUIRE_DB", "yes"),
        "the database is required (GENIE_REQUIRE_DB=yes) but the store resolved to 'legacy'",
        "set DATABASE_URL=postgres://");
  }

  @Test
  void theOldFlagIsReadAsTheNewOne() {
    assertRefused(
        env("USE_PRISMA_IN_TEST", "1"),
        "the database is required (USE_PRISMA_IN_TEST=1)",
        "set DATABASE_URL=postgres://");
  }

  @Test
  void theDatabaseRequiredWithTheLegacyStoreChosenIsRefused() {
    Map<String, String> env = env("GENIE_REQUIRE_DB", "true");
    env.put("GENIE_STORAGE", "legacy");
    env.put("DATABASE_URL", "postgres://u:" + SENTINEL + "@127.0.0.1:1/db");

    assertRefused(env, "resolved to 'legacy' because GENIE_STORAGE=legacy", "GENIE_STORAGE=sql");
  }

  @Test
  void theSqlStoreWithoutAUrlIsRefused() {
    assertRefused(
        env("GENIE_STORAGE", "sql"),
        "GENIE_STORAGE=sql but DATABASE_URL is not set",
        "DATABASE_URL=postgres://");
  }

  @Test
  void aMalformedUrlIsRefusedWithoutEchoingIt() {
    Map<String, String> env = env("GENIE_REQUIRE_DB", "1");
    env.put("DATABASE_URL", "postgres://user:" + SENTINEL + "@/nohost");

    assertRefused(env, "DATABASE_URL is malformed", "DATABASE_URL");
  }

  @Test
  void anUnreachableDatabaseIsRefusedWithoutThePassword() throws Exception {
    Map<String, String> env = env("GENIE_REQUIRE_DB", "1");
    env.put("DATABASE_URL", "postgres://user:" + SENTINEL + "@127.0.0.1:" + freePort() + "/db");
    env.put("GENIE_DB_CONNECTION_TIMEOUT_MS", "500");

    assertRefused(
        env, "cannot connect to PostgreSQL at postgres://user:***@127.0.0.1:", "start PostgreSQL");
  }

  @Test
  void mainPrintsTheBannerExits78AndLeavesThePortFree() throws Exception {
    int port = freePort();
    Map<String, String> env = env("GENIE_REQUIRE_DB", "1");
    env.put("GENIE_PORT", Integer.toString(port));
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status = Main.serve(env, new PrintStream(err, true, StandardCharsets.UTF_8));

    String banner = err.toString(StandardCharsets.UTF_8);
    assertThat(status).isEqualTo(78);
    assertThat(banner).startsWith("GENIE STARTUP CHECK FAILED\n").contains("cause:", "fix:");
    try (ServerSocket stillFree = new ServerSocket(port)) {
      assertThat(stillFree.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void withoutTheRequirementTheLegacyStoreServes() {
    try (GenieServer server =
        Launcher.server(GenieConfig.fromEnvironment(env("GENIE_PORT", "0"))).start()) {
      assertThat(server.storage()).isEqualTo("legacy");
      assertThat(server.port()).isPositive();
    }
  }

  private void assertRefused(Map<String, String> env, String reason, String fix) {
    assertThatThrownBy(() -> Launcher.server(GenieConfig.fromEnvironment(env)).start())
        .isInstanceOfSatisfying(
            StartupCheckException.class,
            e -> {
              assertThat(e.reason()).contains(reason);
              assertThat(e.fix()).contains(fix);
              assertThat(e.banner()).startsWith("GENIE STARTUP CHECK FAILED");
              assertThat(e.banner()).doesNotContain(SENTINEL);
              assertThat(e.getMessage()).doesNotContain(SENTINEL);
            });
  }

  private Map<String, String> env(String key, String value) {
    Map<String, String> env = new HashMap<>();
    env.put("GENIE_DATA_DIR", dataDir.toString());
    env.put("GENIE_PORT", "0");
    env.put(key, value);
    return env;
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
