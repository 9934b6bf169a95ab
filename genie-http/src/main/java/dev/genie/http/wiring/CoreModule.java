package dev.genie.http.wiring;

import dagger.Module;
import dagger.Provides;
import dev.genie.core.Orchestrator;
import dev.genie.core.OrchestratorListener;
import dev.genie.core.generate.Generator;
import dev.genie.http.config.GenieConfig;
import dev.genie.persistence.PromptStore;
import java.time.Clock;
import javax.inject.Singleton;

/** The orchestrator, over whichever store and generator were selected. */
@Module
public final class CoreModule {
  private CoreModule() {}

  @Provides
  @Singleton
  static Orchestrator orchestrator(
      PromptStore store,
      Generator generator,
      GenieConfig config,
      Clock clock,
      OrchestratorListener listener) {
    return new Orchestrator(store, generator, config.orchestrator(), clock, listener);
  }
}
