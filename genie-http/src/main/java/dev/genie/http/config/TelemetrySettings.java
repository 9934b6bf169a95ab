package dev.genie.http.config;

import java.util.Locale;

/**
 * OpenTelemetry ({@code GENIE_OTEL}): off, or traces and the GenAI client metrics exported over
 * OTLP, where and how the standard {@code OTEL_*} variables say (read by the SDK itself).
 *
 * @param otlp whether traces and metrics are exported over OTLP
 */
public record TelemetrySettings(boolean otlp) {
  static final Key<Boolean> OTEL =
      Key.of(
          "GENIE_OTEL",
          "otlp",
          Parser.accepting(
              "off or otlp",
              value ->
                  switch (value.toLowerCase(Locale.ROOT)) {
                    case "off" -> false;
                    case "otlp" -> true;
                    default -> throw new IllegalArgumentException(value);
                  }),
          "off");

  static final KeyTable<Void> TABLE = KeyTable.<Void>of(TelemetrySettings.class).withKeys(OTEL);

  /** Nothing exported, nothing recorded: the default. */
  public static final TelemetrySettings OFF = new TelemetrySettings(false);

  static TelemetrySettings from(Env env) {
    return OTEL.value(env) ? new TelemetrySettings(true) : OFF;
  }
}
