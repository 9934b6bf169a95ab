package dev.genie.http.wiring;

import dagger.BindsInstance;
import dagger.Component;
import dev.genie.core.Orchestrator;
import dev.genie.core.generate.Generator;
import dev.genie.http.GenieServer;
import dev.genie.http.config.GenieConfig;
import dev.genie.persistence.PromptStore;
import java.time.Clock;
import javax.inject.Singleton;

/** The production component: configuration in, a server out; the store is chosen inside. */
@Singleton
@Component(
    modules = {
      StoreModule.class,
      SqlStoreModule.class,
      LegacyStoreModule.class,
      GeneratorModule.class,
      OpenAiGeneratorModule.class,
      ModelEndpointModule.class,
      CoreModule.class,
      MetricsModule.class,
      TelemetryModule.class
    })
public interface GenieComponent {
  GenieServer server();

  /** The orchestrator over the selected store and generator, for {@code check}: no server. */
  Orchestrator orchestrator();

  /** The selected generator, for {@code check}. */
  Generator generator();

  /** The selected store alone, for {@code migrate}. */
  PromptStore store();

  /** Builds the component; nothing is opened until {@link #server()} is called. */
  @Component.Factory
  interface Factory {
    GenieComponent create(@BindsInstance GenieConfig config, @BindsInstance Clock clock);
  }
}
