package dev.genie.http.wiring;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import dev.genie.core.generate.Generator;
import dev.genie.generator.openai.OpenAiEndpoint;
import dev.genie.generator.openai.OpenAiGenerator;
import dev.genie.generator.openai.OpenAiSettings;
import dev.genie.http.config.GeneratorSettings;
import dev.genie.http.internal.metrics.MicrometerUpstreamListener;
import dev.genie.http.telemetry.Telemetry;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;

/** Binds the {@code openai} generator by name; built only when {@code GENIE_GENERATOR} names it. */
@Module
public final class OpenAiGeneratorModule {
  /** The {@code surface} label of the openai generator's upstream calls. */
  static final String SURFACE = "prompts";

  private OpenAiGeneratorModule() {}

  @Provides
  @IntoMap
  @StringKey(OpenAiGenerator.NAME)
  static Generator openai(
      GeneratorSettings settings,
      Optional<OpenAiEndpoint> endpoint,
      MeterRegistry registry,
      Telemetry telemetry) {
    OpenAiSettings openai =
        settings
            .openai()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the openai generator was picked without its settings; this is a bug"));
    return new OpenAiGenerator(
        openai,
        endpoint.orElseThrow(),
        telemetry.upstream(new MicrometerUpstreamListener(registry, SURFACE)));
  }
}
