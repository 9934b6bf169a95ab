package dev.genie.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.http.config.GenieConfig;
import dev.genie.http.config.LogSettings;
import dev.genie.http.config.StorageMode;
import dev.genie.persistence.sql.MigrateMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GenieConfigTest {

  @Test
  void defaultsServeTheLegacyStoreOnLoopback() {
    GenieConfig config = GenieConfig.fromEnvironment(Map.of());

    assertThat(config.server().host()).isEqualTo("127.0.0.1");
    assertThat(config.server().port()).isEqualTo(8080);
    assertThat(config.server().maxBodyBytes()).isEqualTo(65536);
    assertThat(config.storage().mode()).isEqualTo(StorageMode.AUTO);
    assertThat(config.storage().selected()).isEqualTo("legacy");
    assertThat(config.storage().requireDb()).isFalse();
    assertThat(config.storage().legacy().dataDir().getFileName()).hasToString("genie-data");
    assertThat(config.orchestrator().waitTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.orchestrator().lease()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.orchestrator().maxPromptChars()).isEqualTo(8000);
    assertThat(config.generator().name()).isEqualTo("sample");
    assertThat(config.generator().sampleDelay()).isZero();
    assertThat(config.notices()).isEmpty();
    assertThat(config.server().requestTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.server().idleTimeout()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void aDatabaseUrlSelectsTheSqlStoreWithItsSettings() {
    GenieConfig config =
        GenieConfig.fromEnvironment(
            Map.of(
                "DATABASE_URL", "postgresql://app:pw@db.internal:6000/genie",
                "GENIE_DB_POOL_SIZE", "7",
                "GENIE_MIGRATE", "validate",
                "GENIE_REQUIRE_DB", "true"));

    assertThat(config.storage().selected()).isEqualTo("sql");
    assertThat(config.storage().requireDb()).isTrue();
    assertThat(config.storage().sql())
        .hasValueSatisfying(
            sql -> {
              assertThat(sql.poolSize()).isEqualTo(7);
              assertThat(sql.migrate()).isEqualTo(MigrateMode.VALIDATE);
              assertThat(sql.url().host()).isEqualTo("db.internal");
            });
  }

  @Test
  void portFallsBackToPortAndGeniePortWins() {
    assertThat(GenieConfig.fromEnvironment(Map.of("PORT", "9000")).server().port()).isEqualTo(9000);
    assertThat(
            GenieConfig.fromEnvironment(Map.of("PORT", "9000", "GENIE_PORT", "0")).server().port())
        .isZero();
  }

  @Test
  void carriedOverCiFlagsAreAcceptedWithANotice() {
    GenieConfig config =
        GenieConfig.fromEnvironment(
            Map.of(
                "USE_PRISMA_IN_TEST", "1",
                "GENIE_PERSISTENCE_AWAIT", "1",
                "SKIP_PUPPETEER", "true"));

    assertThat(config.storage().requireDb()).isTrue();
    assertThat(config.storage().requireDbKey()).isEqualTo("USE_PRISMA_IN_TEST");
    assertThat(config.notices())
        .hasSize(3)
        .anySatisfy(n -> assertThat(n).contains("USE_PRISMA_IN_TEST").contains("GENIE_REQUIRE_DB"))
        .anySatisfy(n -> assertThat(n).startsWith("GENIE_PERSISTENCE_AWAIT").contains("no effect"))
        .anySatisfy(n -> assertThat(n).startsWith("SKIP_PUPPETEER").contains("no effect"));
  }

  @ParameterizedTest
  @CsvSource({
    "GENIE_PORT, 70000",
    "GENIE_PORT, eighty",
    "GENIE_MAX_BODY_BYTES, 0",
    "GENIE_WAIT_TIMEOUT_MS, -5",
    "GENIE_LEASE_MS, 0",
    "GENIE_MAX_PROMPT_CHARS, 0",
    "GENIE_SAMPLE_DELAY_MS, soon",
    "GENIE_REQUIRE_DB, maybe",
    "GENIE_STORAGE, mongo",
    "GENIE_WORKER_THREADS, 0",
    "GENIE_REQUEST_TIMEOUT_MS, 0",
    "GENIE_IDLE_TIMEOUT_MS, later"
  })
  void aBadValueNamesItsKey(String key, String value) {
    assertThatThrownBy(() -> GenieConfig.fromEnvironment(Map.of(key, value)))
        .isInstanceOf(StartupCheckException.class)
        .hasMessageStartingWith("GENIE STARTUP CHECK FAILED")
        .hasMessageContaining(key);
  }

  @Test
  void aLogDirectoryThatCannotBeWrittenStopsTheStart(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    String logDir = file.resolve("logs").toString();

    assertThatThrownBy(() -> GenieConfig.fromEnvironment(Map.of("GENIE_LOG_DIR", logDir)))
        .isInstanceOf(StartupCheckException.class)
        .hasMessageContaining("GENIE_LOG_DIR is '" + logDir + "', where Genie cannot write")
        .hasMessageContaining("Fix: set GENIE_LOG_DIR to a directory");
  }

  @Test
  void aMissingLogDirectoryIsCreated(@TempDir Path dir) {
    Path logs = dir.resolve("var").resolve("log");

    assertThat(GenieConfig.fromEnvironment(Map.of("GENIE_LOG_DIR", logs.toString())).log())
        .isEqualTo(new LogSettings(logs, false));
    assertThat(logs).isEmptyDirectory();
  }

  @Test
  void aNegativeDurationIsReportedInMilliseconds() {
    assertThatThrownBy(() -> GenieConfig.fromEnvironment(Map.of("GENIE_WAIT_TIMEOUT_MS", "-5")))
        .hasMessageContaining("GENIE_WAIT_TIMEOUT_MS")
        .hasMessageContaining(": -5 ms")
        .hasMessageNotContaining("PT");
  }

  @Test
  void moreConcurrentRequestsThanThreadsAreRefused() {
    assertThatThrownBy(
            () ->
                GenieConfig.fromEnvironment(
                    Map.of("GENIE_WORKER_THREADS", "8", "GENIE_MAX_CONCURRENT_REQUESTS", "9")))
        .isInstanceOf(StartupCheckException.class)
        .hasMessageContaining("GENIE_MAX_CONCURRENT_REQUESTS must not exceed GENIE_WORKER_THREADS");
    assertThat(
            GenieConfig.fromEnvironment(Map.of("GENIE_WORKER_THREADS", "8"))
                .server()
                .maxConcurrentRequests())
        .isEqualTo(8);
  }

  @Test
  void aPoolTooSmallToMigrateIsRefused() {
    assertThatThrownBy(
            () ->
                GenieConfig.fromEnvironment(
                    Map.of("DATABASE_URL", "postgres://u@localhost/db", "GENIE_DB_POOL_SIZE", "1")))
        .isInstanceOf(StartupCheckException.class)
        .hasMessageContaining("GENIE_DB_POOL_SIZE must be between 2 and 1000: 1");
  }

  @Test
  void aBadSqlSettingNamesItsKey() {
    assertThatThrownBy(
            () ->
                GenieConfig.fromEnvironment(
                    Map.of(
                        "DATABASE_URL", "postgres://u:SENTINEL-pw@localhost/db",
                        "GENIE_DB_POOL_SIZE", "0")))
        .isInstanceOf(StartupCheckException.class)
        .hasMessageContaining("GENIE_DB_POOL_SIZE")
        .hasMessageNotContaining("SENTINEL");
    assertThatThrownBy(
            () ->
                GenieConfig.fromEnvironment(
                    Map.of("DATABASE_URL", "postgres://u@localhost/db", "GENIE_MIGRATE", "yes")))
        .hasMessageContaining("GENIE_MIGRATE");
  }
}
