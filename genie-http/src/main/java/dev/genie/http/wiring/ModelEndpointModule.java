package dev.genie.http.wiring;

import dagger.Module;
import dagger.Provides;
import dev.genie.generator.openai.ChatGenerator;
import dev.genie.generator.openai.OpenAiEndpoint;
import dev.genie.generator.openai.OpenAiSettings;
import dev.genie.http.config.GenieConfig;
import dev.genie.http.internal.metrics.MicrometerUpstreamListener;
import dev.genie.http.telemetry.Telemetry;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import javax.inject.Singleton;

/**
 * The model endpoint, when one is configured, shared by every generator that calls it; and the chat
 * generator of the OpenAI-compatible surface, which is there whenever the endpoint is.
 */
@Module
public final class ModelEndpointModule {
  /** The {@code surface} label of the chat generator's upstream calls. */
  static final String SURFACE = "v1";

  private ModelEndpointModule() {}

  @Provides
  @Singleton
  static Optional<OpenAiEndpoint> endpoint(GenieConfig config, MeterRegistry registry) {
    return config
        .generator()
        .endpoint()
        .map(
            settings -> {
              OpenAiEndpoint endpoint = new OpenAiEndpoint(settings);
              MicrometerUpstreamListener.watchBreaker(registry, endpoint::breakerState);
              return endpoint;
            });
  }

  @Provides
  @Singleton
  static Optional<ChatGenerator> chat(
      Optional<OpenAiEndpoint> endpoint,
      GenieConfig config,
      MeterRegistry registry,
      Telemetry telemetry) {
    // A request that names no output limit is assumed to stay within the configured one.
    Integer outputLimit =
        config.generator().openai().map(OpenAiSettings::maxOutputTokens).orElse(null);
    return endpoint.map(
        shared ->
            new ChatGenerator(
                shared,
                telemetry.upstream(new MicrometerUpstreamListener(registry, SURFACE)),
                outputLimit));
  }
}
