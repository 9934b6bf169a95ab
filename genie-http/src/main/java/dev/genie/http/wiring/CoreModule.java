package dev.genie.http.wiring;

import dagger.Module;
import dagger.Provides;
import dev.genie.core.Orchestrator;
import dev.genie.core.OrchestratorListener;
import dev.genie.core.generate.Generator;
import dev.genie.generator.openai.ChatGenerator;
import dev.genie.http.config.GenieConfig;
import dev.genie.http.telemetry.Telemetry;
import dev.genie.persistence.PromptStore;
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
      Telemetry telemetry) {
    List<Generator> generators = new ArrayList<>(List.of(generator));
    chat.ifPresent(generators::add);
    return new Orchestrator(
        store, generators, config.orchestrator(), clock, listener, telemetry.handOver());
  }
}
