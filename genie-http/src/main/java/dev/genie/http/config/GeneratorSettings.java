package dev.genie.http.config;

import java.time.Duration;

/**
 * Which generator runs, and how.
 *
 * @param name the generator's name ({@code GENIE_GENERATOR})
 * @param sampleDelay latency added by the sample generator ({@code GENIE_SAMPLE_DELAY_MS})
 */
public record GeneratorSettings(String name, Duration sampleDelay) {
  public GeneratorSettings {
    if (sampleDelay.isNegative() || sampleDelay.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException(
          "GENIE_SAMPLE_DELAY_MS must be between 0 and 600000: " + sampleDelay.toMillis());
    }
  }

  static GeneratorSettings from(Env env) {
    return new GeneratorSettings(
        env.string("GENIE_GENERATOR", "sample"),
        env.millis("GENIE_SAMPLE_DELAY_MS").orElse(Duration.ZERO));
  }
}
