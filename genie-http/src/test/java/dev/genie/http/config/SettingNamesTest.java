package dev.genie.http.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SettingNamesTest {
  @Test
  void everyNameIsASettingOfItsRecordOrBuilder() {
    Map<String, Class<?>> records = new HashMap<>();
    SettingNames.TABLES.forEach(
        table -> records.put(table.record().getSimpleName(), table.record()));
    SettingNames.KEYS
        .keySet()
        .forEach(
            name -> {
              String[] parts = name.split("\\.");
              assertThat(KeyTablesTest.settersOf(records.get(parts[0])))
                  .as(name)
                  .contains(parts[1]);
            });
  }

  @Test
  void everyLibrarySettingWithAKeyIsNamed() {
    assertThat(SettingNames.KEYS)
        .containsEntry("SqlStoreSettings.groupCommitMax", "GENIE_DB_GROUP_COMMIT_MAX")
        .containsEntry("SqlStoreSettings.url", "DATABASE_URL")
        .containsEntry("OrchestratorSettings.generationConcurrency", "GENIE_GENERATION_CONCURRENCY")
        .containsEntry("EndpointSettings.concurrency", "GENIE_GENERATION_CONCURRENCY")
        .containsEntry("EndpointSettings.apiKey", "GENIE_OPENAI_API_KEY (or OPENAI_API_KEY)")
        .containsEntry("LegacyStoreSettings.dataDir", "GENIE_DATA_DIR")
        .containsEntry("OpenAiSettings.outputMode", "GENIE_OPENAI_OUTPUT");
  }

  @Test
  void namesInAMessageBecomeTheirKeys() {
    assertThat(
            SettingNames.toKeys(
                "all 16 connections stayed busy for 2000 ms (SqlStoreSettings.poolSize,"
                    + " SqlStoreSettings.connectionTimeout)"))
        .isEqualTo(
            "all 16 connections stayed busy for 2000 ms (GENIE_DB_POOL_SIZE,"
                + " GENIE_DB_CONNECTION_TIMEOUT_MS)");
    assertThat(SettingNames.toKeys("set SqlStoreSettings.migrate=apply"))
        .isEqualTo("set GENIE_MIGRATE=apply");
    assertThat(SettingNames.toKeys("OrchestratorSettings.pollMax must be between 1 and 60000 ms"))
        .as("a setting without a key")
        .isEqualTo("OrchestratorSettings.pollMax must be between 1 and 60000 ms");
    assertThat(SettingNames.toKeys("prompt is empty after normalization"))
        .isEqualTo("prompt is empty after normalization");
    assertThat(SettingNames.toKeys(null)).isNull();
  }
}
