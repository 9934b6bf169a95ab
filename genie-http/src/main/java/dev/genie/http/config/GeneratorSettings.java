package dev.genie.http.config;

import static dev.genie.persistence.Bounds.requireBetween;

import dev.genie.generator.openai.EndpointSettings;
import dev.genie.generator.openai.OpenAiGenerator;
import dev.genie.generator.openai.OpenAiSettings;
import dev.genie.generator.openai.OutputMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which generator runs, and how; and the model endpoint, when one is configured, which also serves
 * the OpenAI-compatible surface.
 *
 * @param name the generator's name ({@code GENIE_GENERATOR})
 * @param sampleDelay latency added by the sample generator ({@code GENIE_SAMPLE_DELAY_MS})
 * @param openai the openai generator's settings, read and checked only when it is the one named
 * @param endpoint the model endpoint: the openai generator's, or, for another generator, the one
 *     {@code GENIE_OPENAI_API_KEY} (or {@code OPENAI_API_KEY}) configures; empty without a key
 * @param models the models callers of the OpenAI-compatible surface may ask for ({@code
 *     GENIE_OPENAI_MODELS}); empty for any the endpoint has
 */
public record GeneratorSettings(
    String name,
    Duration sampleDelay,
    Optional<OpenAiSettings> openai,
    Optional<EndpointSettings> endpoint,
    List<String> models) {
  public GeneratorSettings {
    requireBetween("GENIE_SAMPLE_DELAY_MS", sampleDelay, Duration.ZERO, Duration.ofMinutes(10));
    Objects.requireNonNull(openai, "openai");
    Objects.requireNonNull(endpoint, "endpoint");
    models = List.copyOf(models);
    if (openai.isPresent() && !endpoint.equals(openai.map(OpenAiSettings::endpoint))) {
      throw new IllegalArgumentException(
          "the openai generator calls its own endpoint, not another; this is a bug");
    }
  }

  public GeneratorSettings(String name, Duration sampleDelay) {
    this(name, sampleDelay, Optional.empty(), Optional.empty(), List.of());
  }

  static GeneratorSettings from(Env env) {
    String name = env.string("GENIE_GENERATOR", "sample");
    Optional<OpenAiSettings> openai =
        OpenAiGenerator.NAME.equals(name) ? Optional.of(openai(env)) : Optional.empty();
    Optional<EndpointSettings> endpoint =
        openai.isPresent()
            ? openai.map(OpenAiSettings::endpoint)
            : apiKey(env).map(key -> endpoint(env).build());
    return new GeneratorSettings(
        name,
        env.millis("GENIE_SAMPLE_DELAY_MS").orElse(Duration.ZERO),
        openai,
        endpoint,
        models(env));
  }

  private static OpenAiSettings openai(Env env) {
    OpenAiSettings.Builder builder = OpenAiSettings.builder().endpoint(endpoint(env));
    builder.model(env.get("GENIE_OPENAI_MODEL").orElse(null));
    env.decimal("GENIE_OPENAI_TEMPERATURE").ifPresent(builder::temperature);
    env.integer("GENIE_OPENAI_MAX_OUTPUT_TOKENS").ifPresent(builder::maxOutputTokens);
    env.get("GENIE_SYSTEM_PROMPT").ifPresent(builder::systemPrompt);
    env.get("GENIE_OPENAI_OUTPUT").map(OutputMode::fromWireName).ifPresent(builder::outputMode);
    return builder.build();
  }

  private static EndpointSettings.Builder endpoint(Env env) {
    EndpointSettings.Builder builder = EndpointSettings.builder();
    env.get("GENIE_OPENAI_BASE_URL").map(GeneratorSettings::baseUrl).ifPresent(builder::baseUrl);
    builder.apiKey(apiKey(env).orElse(null));
    env.millis("GENIE_GENERATION_TIMEOUT_MS").ifPresent(builder::timeout);
    env.integer("GENIE_GENERATION_RETRIES").ifPresent(builder::retries);
    env.integer("GENIE_GENERATION_CONCURRENCY").ifPresent(builder::concurrency);
    return builder;
  }

  private static Optional<String> apiKey(Env env) {
    return env.get("GENIE_OPENAI_API_KEY").or(() -> env.get("OPENAI_API_KEY"));
  }

  /** A comma list; blank entries and repeats are dropped. */
  private static List<String> models(Env env) {
    return env.get("GENIE_OPENAI_MODELS").stream()
        .flatMap(list -> Arrays.stream(list.split(",")))
        .map(String::strip)
        .filter(model -> !model.isEmpty())
        .distinct()
        .toList();
  }

  private static URI baseUrl(String value) {
    try {
      return new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
    } catch (URISyntaxException e) {
      throw Env.invalid("GENIE_OPENAI_BASE_URL", value, "a URL such as https://api.openai.com/v1");
    }
  }
}
