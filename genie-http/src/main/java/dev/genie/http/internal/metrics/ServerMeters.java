package dev.genie.http.internal.metrics;

import dev.genie.core.Orchestrator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The server's meters kept by no listener: the store that serves, the queue, the renderings. */
public final class ServerMeters {
  private ServerMeters() {}

  /**
   * {@code genie_storage_info{store}}, always 1: alert on {@code store="legacy"} where only
   * PostgreSQL should ever serve.
   */
  public static void storage(MeterRegistry registry, String store) {
    Gauge.builder("genie.storage.info", () -> 1)
        .description("The store that serves this instance: sql or legacy")
        .tag("store", store)
        .register(registry);
  }

  /**
   * {@code genie_generations_waiting}: one number for all namespaces, as a namespace label would
   * grow with the callers.
   */
  public static void generationsWaiting(MeterRegistry registry, Orchestrator orchestrator) {
    Gauge.builder("genie.generations.waiting", orchestrator::generationsWaiting)
        .description("New prompts waiting for a generation slot (GENIE_GENERATION_QUEUE)")
        .register(registry);
  }

  /** Counts the renderings of one kind: {@code genie_renders_total{kind}}. */
  public static Counter renders(MeterRegistry registry, String kind) {
    return Counter.builder("genie.renders")
        .description("Previews and PDFs rendered (a kept PDF, a HEAD or a 304 renders none)")
        .tag("kind", kind)
        .register(registry);
  }
}
