package dev.genie.it;

import dagger.BindsInstance;
import dagger.Component;
import dev.genie.core.generate.Generator;
import dev.genie.http.GenieServer;
import dev.genie.http.config.GenieConfig;
import dev.genie.http.telemetry.Telemetry;
import dev.genie.http.wiring.CoreModule;
import dev.genie.http.wiring.LegacyStoreModule;
import dev.genie.http.wiring.MetricsModule;
import dev.genie.http.wiring.ModelEndpointModule;
import dev.genie.http.wiring.SqlStoreModule;
import dev.genie.http.wiring.StoreModule;
import java.time.Clock;
import javax.inject.Singleton;

/**
 * {@link TestGenieComponent} with the telemetry handed in by the test (an SDK that keeps its spans
 * and metrics in memory) instead of chosen from {@code GENIE_OTEL}.
 */
@Singleton
@Component(
    modules = {
      StoreModule.class,
      SqlStoreModule.class,
      LegacyStoreModule.class,
      CoreModule.class,
      MetricsModule.class,
      ModelEndpointModule.class
    })
interface TracedGenieComponent {
  GenieServer server();

  @Component.Factory
  interface Factory {
    TracedGenieComponent create(
        @BindsInstance GenieConfig config,
        @BindsInstance Clock clock,
        @BindsInstance Generator generator,
        @BindsInstance Telemetry telemetry);
  }
}
