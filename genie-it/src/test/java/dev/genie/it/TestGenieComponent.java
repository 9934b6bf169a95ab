package dev.genie.it;

import dagger.BindsInstance;
import dagger.Component;
import dev.genie.core.generate.Generator;
import dev.genie.http.GenieServer;
import dev.genie.http.config.GenieConfig;
import dev.genie.http.wiring.CoreModule;
import dev.genie.http.wiring.LegacyStoreModule;
import dev.genie.http.wiring.MetricsModule;
import dev.genie.http.wiring.ModelEndpointModule;
import dev.genie.http.wiring.SqlStoreModule;
import dev.genie.http.wiring.StoreModule;
import dev.genie.http.wiring.TelemetryModule;
import java.time.Clock;
import javax.inject.Singleton;

/**
 * The production component's twin: the same store selection, server and model endpoint (the chat
 * generator of the OpenAI-compatible surface, when configured), with the page generator and the
 * clock handed in by the test instead of chosen from configuration.
 */
@Singleton
@Component(
    modules = {
      StoreModule.class,
      SqlStoreModule.class,
      LegacyStoreModule.class,
      CoreModule.class,
      MetricsModule.class,
      ModelEndpointModule.class,
      TelemetryModule.class
    })
interface TestGenieComponent {
  GenieServer server();

  @Component.Factory
  interface Factory {
    TestGenieComponent create(
        @BindsInstance GenieConfig config,
        @BindsInstance Clock clock,
        @BindsInstance Generator generator);
  }
}
