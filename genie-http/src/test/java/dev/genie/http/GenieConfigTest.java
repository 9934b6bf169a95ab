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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
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
    assertThat(config.storage().requiredBy()).isEqualTo("USE_PRISMA_IN_TEST=1");
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
  void aPoolWithoutConnectionsIsRefused() {
    assertThatThrownBy(
            () ->
                GenieConfig.fromEnvironment(
                    Map.of("DATABASE_URL", "postgres://u@localhost/db", "GENIE_DB_POOL_SIZE", "0")))
        .isInstanceOf(StartupCheckException.class)
        .hasMessageContaining("GENIE_DB_POOL_SIZE must be between 1 and 1000: 0");
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

  @Test
  void aBadSqlSettingStopsGenieOnTheLegacyStoreToo() {
    assertThatThrownBy(() -> GenieConfig.fromEnvironment(Map.of("GENIE_MIGRATE", "bogus")))
        .isInstanceOf(StartupCheckException.class)
        .hasMessageContaining("GENIE_MIGRATE is 'bogus', which is not one of apply, validate, off");
    assertThatThrownBy(() -> GenieConfig.fromEnvironment(Map.of("GENIE_DB_POOL_SIZE", "0")))
        .isInstanceOf(StartupCheckException.class)
        .hasMessageContaining("GENIE_DB_POOL_SIZE must be between 1 and 1000: 0");
    assertThat(GenieConfig.fromEnvironment(Map.of("GENIE_MIGRATE", "validate")).storage().sql())
        .as("no SQL settings without DATABASE_URL")
        .isEmpty();
  }

  @Test
  void aPoolOfOneConnectionIsAccepted() {
    assertThat(
            GenieConfig.fromEnvironment(
                    Map.of("DATABASE_URL", "postgres://u@localhost/db", "GENIE_DB_POOL_SIZE", "1"))
                .storage()
                .sql()
                .orElseThrow()
                .poolSize())
        .isEqualTo(1);
  }

  @Test
  void theOpenaiGeneratorReadsItsKeysWithTheirDefaults() {
    GenieConfig config =
        GenieConfig.fromEnvironment(
            Map.of(
                "GENIE_GENERATOR", "openai",
                "OPENAI_API_KEY", "sk-fallback",
                "GENIE_OPENAI_MODEL", "gpt-4o-mini",
                "GENIE_OPENAI_TEMPERATURE", "0.3",
                "GENIE_OPENAI_MAX_OUTPUT_TOKENS", "900",
                "GENIE_SYSTEM_PROMPT", "Be brief."));

    assertThat(config.generator().openai())
        .hasValueSatisfying(
            openai -> {
              assertThat(openai.endpoint().baseUrl()).hasToString("https://api.openai.com/v1");
              assertThat(openai.endpoint().apiKey()).isEqualTo("sk-fallback");
              assertThat(openai.model()).isEqualTo("gpt-4o-mini");
              assertThat(openai.temperature()).isEqualTo(0.3);
              assertThat(openai.maxOutputTokens()).isEqualTo(900);
              assertThat(openai.systemPrompt()).isEqualTo("Be brief.");
              assertThat(openai.endpoint().timeout()).isEqualTo(Duration.ofMillis(120000));
              assertThat(openai.endpoint().retries()).isEqualTo(2);
              assertThat(openai.endpoint().concurrency()).isEqualTo(8);
            });
    assertThat(
            GenieConfig.fromEnvironment(
                    Map.of(
                        "GENIE_GENERATOR", "openai",
                        "OPENAI_API_KEY", "sk-fallback",
                        "GENIE_OPENAI_API_KEY", "sk-first",
                        "GENIE_OPENAI_MODEL", "m"))
                .generator()
                .openai()
                .orElseThrow()
                .endpoint()
                .apiKey())
        .isEqualTo("sk-first");
    assertThat(GenieConfig.fromEnvironment(Map.of()).generator().openai()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "GENIE_OPENAI_MODEL, GENIE_OPENAI_MODEL",
    "GENIE_OPENAI_API_KEY, GENIE_OPENAI_API_KEY",
  })
  void theOpenaiGeneratorWithoutAModelOrAKeyRefusesToStartNamingTheKey(
      String missing, String named) {
    Map<String, String> env =
        new java.util.HashMap<>(
            Map.of(
                "GENIE_GENERATOR", "openai",
                "GENIE_OPENAI_API_KEY", "sk-secret-value",
                "GENIE_OPENAI_MODEL", "gpt-4o-mini"));
    env.remove(missing);
    assertThatThrownBy(() -> GenieConfig.fromEnvironment(env))
        .isInstanceOfSatisfying(
            StartupCheckException.class,
            e -> assertThat(e.banner()).contains(named).doesNotContain("sk-secret-value"));
  }

  @ParameterizedTest
  @CsvSource({
    "GENIE_OPENAI_TEMPERATURE, 3, between 0 and 2",
    "GENIE_OPENAI_TEMPERATURE, warm, a decimal number",
    "GENIE_OPENAI_MAX_OUTPUT_TOKENS, 0, between 1 and",
    "GENIE_GENERATION_CONCURRENCY, 0, between 1 and 1000",
    "GENIE_GENERATION_RETRIES, 11, between 0 and 10",
    "GENIE_GENERATION_TIMEOUT_MS, 0, between 1 and",
    "GENIE_OPENAI_BASE_URL, ftp://example.com, http or https",
    "GENIE_OPENAI_OUTPUT, yaml, json_schema or text",
  })
  void badOpenaiValuesNameTheirKey(String key, String value, String accepted) {
    Map<String, String> env =
        new java.util.HashMap<>(
            Map.of(
                "GENIE_GENERATOR", "openai",
                "GENIE_OPENAI_API_KEY", "sk-secret-value",
                "GENIE_OPENAI_MODEL", "gpt-4o-mini"));
    env.put(key, value);
    assertThatThrownBy(() -> GenieConfig.fromEnvironment(env))
        .isInstanceOf(StartupCheckException.class)
        .hasMessageContaining(key)
        .hasMessageContaining(accepted)
        .hasMessageNotContaining("sk-secret-value");
  }
}
