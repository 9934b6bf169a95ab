package dev.genie.persistence.sql;

import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The connection pool's meters ({@code hikaricp.connections.*}), through HikariCP's own Micrometer
 * tracker: whoever keeps the registry binds them, and the pool stays inside the store.
 */
public final class PoolMetrics implements MeterBinder {
  private final SqlPromptStore store;

  public PoolMetrics(SqlPromptStore store) {
    this.store = store;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    store.dataSource().setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
  }
}
