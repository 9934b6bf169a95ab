package dev.genie.http.config;

import static dev.genie.persistence.Bounds.requireBetween;

import dev.genie.generator.openai.OpenAiGenerator;
import dev.genie.generator.openai.OpenAiSettings;
import dev.genie.generator.openai.OutputMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Which generator runs, and how.
 *
 * @param name the generator's name ({@code GENIE_GENERATOR})
 * @param sampleDelay latency added by the sample generator ({@code GENIE_SAMPLE_DELAY_MS})
 * @param openai the openai generator's settings, read and checked only when it is the one named
 */
public record GeneratorSettings(
    String name, Duration sampleDelay, Optional<OpenAiSettings> openai) {
  public GeneratorSettings {
    requireBetween("GENIE_SAMPLE_DELAY_MS", sampleDelay, Duration.ZERO, Duration.ofMinutes(10));
    Objects.requireNonNull(openai, "openai");
  }

  public GeneratorSettings(String name, Duration sampleDelay) {
    this(name, sampleDelay, Optional.empty());
  }

  static GeneratorSettings from(Env env) {
    String name = env.string("GENIE_GENERATOR", "sample");
    return new GeneratorSettings(
        name,
        env.millis("GENIE_SAMPLE_DELAY_MS").orElse(Duration.ZERO),
        OpenAiGenerator.NAME.equals(name) ? Optional.of(openai(env)) : Optional.empty());
  }

  private static OpenAiSettings openai(Env env) {
    OpenAiSettings.Builder builder = OpenAiSettings.builder();
    env.get("GENIE_OPENAI_BASE_URL").map(GeneratorSettings::baseUrl).ifPresent(builder::baseUrl);
    builder.apiKey(
        env.get("GENIE_OPENAI_API_KEY").or(() -> env.get("OPENAI_API_KEY")).orElse(null));
    builder.model(env.get("GENIE_OPENAI_MODEL").orElse(null));
    env.decimal("GENIE_OPENAI_TEMPERATURE").ifPresent(builder::temperature);
    env.integer("GENIE_OPENAI_MAX_OUTPUT_TOKENS").ifPresent(builder::maxOutputTokens);
    env.get("GENIE_SYSTEM_PROMPT").ifPresent(builder::systemPrompt);
    env.get("GENIE_OPENAI_OUTPUT").map(OutputMode::fromWireName).ifPresent(builder::outputMode);
    env.millis("GENIE_GENERATION_TIMEOUT_MS").ifPresent(builder::timeout);
    env.integer("GENIE_GENERATION_RETRIES").ifPresent(builder::retries);
    env.integer("GENIE_GENERATION_CONCURRENCY").ifPresent(builder::concurrency);
    return builder.build();
  }

  private static URI baseUrl(String value) {
    try {
      return new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
    } catch (URISyntaxException e) {
      throw Env.invalid("GENIE_OPENAI_BASE_URL", value, "a URL such as https://api.openai.com/v1");
    }
  }
}
