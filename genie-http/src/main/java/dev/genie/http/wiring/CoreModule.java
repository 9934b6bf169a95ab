package dev.genie.http.wiring;

import dagger.Module;
import dagger.Provides;
import dev.genie.core.GenerationBudget;
import dev.genie.core.Orchestrator;
import dev.genie.core.OrchestratorListener;
import dev.genie.core.generate.Generator;
import dev.genie.generator.openai.ChatGenerator;
import dev.genie.http.config.GenieConfig;
import dev.genie.http.internal.limits.CallerLimits;
import dev.genie.http.internal.metrics.ServerMeters;
import dev.genie.http.telemetry.Telemetry;
import dev.genie.persistence.KeyStore;
import dev.genie.persistence.PromptStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.inject.Singleton;

/**
 * The orchestrator, over whichever store and generator were selected, with the chat generator when
 * a model endpoint is configured.
 */
@Module
public final class CoreModule {
  private CoreModule() {}

  @Provides
  @Singleton
  static Orchestrator orchestrator(
      PromptStore store,
      Generator generator,
      Optional<ChatGenerator> chat,
      GenieConfig config,
      Clock clock,
      OrchestratorListener listener,
      Telemetry telemetry,
      MeterRegistry registry) {
    List<Generator> generators = new ArrayList<>(List.of(generator));
    chat.ifPresent(generators::add);
    // Takeovers and sweeps are charged to the key that started the prompt's generation.
    GenerationBudget.Takeovers takeovers =
        (config.auth().keys() ? store.keys() : Optional.<KeyStore>empty())
            .map(keys -> new CallerLimits(keys, clock, registry).takeovers())
            .orElse(GenerationBudget.Takeovers.NOBODY);
    Orchestrator orchestrator =
        new Orchestrator(
            store,
            generators,
            config.orchestrator(),
            clock,
            listener,
            takeovers,
            telemetry.handOver());
    ServerMeters.generationsWaiting(registry, orchestrator);
    return orchestrator;
  }
}
