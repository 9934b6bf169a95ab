package dev.genie.http.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.http.StartupCheckException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TelemetrySettingsTest {
  private static TelemetrySettings from(Map<String, String> environment) {
    return TelemetrySettings.from(new Env(environment));
  }

  @Test
  void offUnlessSetToOtlp() {
    assertThat(from(Map.of())).isEqualTo(TelemetrySettings.OFF);
    assertThat(from(Map.of("GENIE_OTEL", "off")).otlp()).isFalse();
    assertThat(from(Map.of("GENIE_OTEL", "otlp")).otlp()).isTrue();
    assertThat(from(Map.of("GENIE_OTEL", " OTLP ")).otlp()).isTrue();
  }

  @Test
  void anyOtherValueIsRefusedNamingTheSettingAndItsValues() {
    assertThatThrownBy(() -> from(Map.of("GENIE_OTEL", "jaeger")))
        .isInstanceOf(StartupCheckException.class)
        .hasMessageContaining("GENIE_OTEL is 'jaeger'")
        .hasMessageContaining("off or otlp");
    assertThatThrownBy(() -> GenieConfig.fromEnvironment(Map.of("GENIE_OTEL", "1")))
        .isInstanceOf(StartupCheckException.class)
        .hasMessageContaining("GENIE_OTEL");
  }
}
