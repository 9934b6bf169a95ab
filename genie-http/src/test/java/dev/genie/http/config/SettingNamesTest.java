package dev.genie.http.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.core.OrchestratorSettings;
import dev.genie.generator.openai.EndpointSettings;
import dev.genie.generator.openai.OpenAiSettings;
import dev.genie.persistence.legacy.LegacyStoreSettings;
import dev.genie.persistence.sql.SqlStoreSettings;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SettingNamesTest {
  private static final Map<String, Class<?>> SETTINGS =
      Map.of(
          "OrchestratorSettings", OrchestratorSettings.class,
          "SqlStoreSettings", SqlStoreSettings.class,
          "OpenAiSettings", OpenAiSettings.class,
          "EndpointSettings", EndpointSettings.class,
          "LegacyStoreSettings", LegacyStoreSettings.class);

  @Test
  void everyNameIsASettingOfItsRecordOrBuilder() {
    SettingNames.KEYS
        .keySet()
        .forEach(
            name -> {
              String[] parts = name.split("\\.");
              assertThat(settersOf(SETTINGS.get(parts[0]))).as(name).contains(parts[1]);
            });
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

  /** The record's components, and what its builder, if any, sets. */
  private static List<String> settersOf(Class<?> settings) {
    Stream<String> components =
        Arrays.stream(settings.getRecordComponents()).map(RecordComponent::getName);
    Stream<String> builderMethods =
        Arrays.stream(settings.getClasses())
            .filter(nested -> nested.getSimpleName().equals("Builder"))
            .flatMap(builder -> Arrays.stream(builder.getMethods()))
            .filter(method -> method.getReturnType() == method.getDeclaringClass())
            .map(Method::getName);
    return Stream.concat(components, builderMethods).toList();
  }
}
