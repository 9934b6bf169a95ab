package dev.genie.http.config;

import static dev.genie.persistence.Bounds.requireBetween;

import dev.genie.generator.openai.EndpointSettings;
import dev.genie.generator.openai.OpenAiGenerator;
import dev.genie.generator.openai.OpenAiSettings;
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
  static final Key<String> GENERATOR = Key.of("GENIE_GENERATOR", "name", Parser.TEXT, "sample");
  static final Key<Duration> SAMPLE_DELAY =
      Key.of("GENIE_SAMPLE_DELAY_MS", "sampleDelay", Parser.MILLIS, "0");
  static final Key<String> MODELS =
      Key.described("GENIE_OPENAI_MODELS", "models", Parser.TEXT, "any");

  static final KeyTable<Void> TABLE =
      KeyTable.<Void>of(GeneratorSettings.class).withKeys(GENERATOR, SAMPLE_DELAY, MODELS);

  public GeneratorSettings {
    requireBetween(SAMPLE_DELAY.name(), sampleDelay, Duration.ZERO, Duration.ofMinutes(10));
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
    String name = GENERATOR.value(env);
    Optional<OpenAiSettings> openai =
        OpenAiGenerator.NAME.equals(name) ? Optional.of(OpenAiKeys.read(env)) : Optional.empty();
    Optional<EndpointSettings> endpoint =
        openai.isPresent()
            ? openai.map(OpenAiSettings::endpoint)
            : EndpointKeys.API_KEY.read(env).map(key -> EndpointKeys.read(env).build());
    return new GeneratorSettings(name, SAMPLE_DELAY.value(env), openai, endpoint, models(env));
  }

  /** A comma list; blank entries and repeats are dropped. */
  private static List<String> models(Env env) {
    return MODELS.read(env).stream()
        .flatMap(list -> Arrays.stream(list.split(",")))
        .map(String::strip)
        .filter(model -> !model.isEmpty())
        .distinct()
        .toList();
  }
}
