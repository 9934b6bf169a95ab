package dev.genie.http.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.core.OrchestratorSettings;
import dev.genie.generator.openai.EndpointSettings;
import dev.genie.generator.openai.OpenAiSettings;
import dev.genie.persistence.sql.DatabaseUrl;
import dev.genie.persistence.sql.SqlStoreSettings;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KeyTablesTest {

  @Test
  void everyRowNamesASettingOfItsRecordOrBuilder() {
    for (KeyTable<?> table : SettingNames.TABLES) {
      for (Key<?> key : table.keys()) {
        assertThat(settersOf(table.record())).as(key.name()).contains(key.setting());
      }
    }
  }

  @Test
  void aDefaultInATableIsTheBuildersDefault() throws Exception {
    DatabaseUrl url = DatabaseUrl.parse("postgres://genie@db.example:5432/genie");
    agree(OrchestratorKeys.TABLE, () -> OrchestratorSettings.builder().instanceId("fixed"));
    agree(SqlStoreKeys.TABLE, () -> SqlStoreSettings.builder(url));
    agree(EndpointKeys.TABLE, () -> EndpointSettings.builder().apiKey("key"));
    agree(OpenAiKeys.TABLE, () -> OpenAiSettings.builder().model("model").apiKey("key"));
  }

  /** Each key set to its table's default builds what the builder builds without it. */
  private static <B> void agree(KeyTable<B> table, Supplier<B> builder) throws Exception {
    Object defaults = build(builder.get());
    for (Key<?> key : table.keys()) {
      if (key.defaultValue().isPresent()) {
        B set = table.apply(new Env(Map.of(key.name(), key.defaultValue().get())), builder.get());
        assertThat(build(set)).as(key.name() + "=" + key.defaultValue().get()).isEqualTo(defaults);
      }
    }
  }

  private static Object build(Object builder) throws Exception {
    return builder.getClass().getMethod("build").invoke(builder);
  }

  /** The record's components, and what its builder, if any, sets. */
  static List<String> settersOf(Class<?> settings) {
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
