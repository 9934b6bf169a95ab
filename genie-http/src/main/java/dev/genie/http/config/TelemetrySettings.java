package dev.genie.http.config;

import java.util.Locale;

/**
 * OpenTelemetry ({@code GENIE_OTEL}): off, or traces and the GenAI client metrics exported over
 * OTLP, where and how the standard {@code OTEL_*} variables say (read by the SDK itself).
 *
 * @param otlp whether traces and metrics are exported over OTLP
 */
public record TelemetrySettings(boolean otlp) {
  static final String KEY = "GENIE_OTEL";

  /** Nothing exported, nothing recorded: the default. */
  public static final TelemetrySettings OFF = new TelemetrySettings(false);

  static TelemetrySettings from(Env env) {
    return env.get(KEY)
        .map(
            value ->
                switch (value.toLowerCase(Locale.ROOT)) {
                  case "off" -> OFF;
                  case "otlp" -> new TelemetrySettings(true);
                  default -> throw Env.invalid(KEY, value, "off or otlp");
                })
        .orElse(OFF);
  }
}
