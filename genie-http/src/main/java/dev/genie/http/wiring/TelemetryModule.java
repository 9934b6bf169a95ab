package dev.genie.http.wiring;

import dagger.Module;
import dagger.Provides;
import dev.genie.http.config.GenieConfig;
import dev.genie.http.telemetry.OpenTelemetryTelemetry;
import dev.genie.http.telemetry.Telemetry;
import javax.inject.Singleton;

/** OpenTelemetry when {@code GENIE_OTEL=otlp}; otherwise none, at no cost. */
@Module
public final class TelemetryModule {
  private TelemetryModule() {}

  @Provides
  @Singleton
  static Telemetry telemetry(GenieConfig config) {
    return config.telemetry().otlp() ? OpenTelemetryTelemetry.autoconfigured() : Telemetry.OFF;
  }
}
