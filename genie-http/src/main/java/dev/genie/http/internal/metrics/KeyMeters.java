package dev.genie.http.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Each key's counters, labelled by the key's name (never the key): {@code genie_key_requests_total}
 * and {@code genie_key_tokens_total}. As many series as the store has keys.
 */
public final class KeyMeters {
  private final MeterRegistry registry;

  public KeyMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** One request accepted with the key named {@code key}, before its rate limit. */
  public void request(String key) {
    Counter.builder("genie.key.requests")
        .description("Requests accepted with each key, before its rate limit")
        .tag("key", key)
        .register(registry)
        .increment();
  }

  /** {@code tokens} used by a generation started for the key named {@code key}. */
  public void tokens(String key, long tokens) {
    Counter.builder("genie.key.tokens")
        .description("Tokens used by generations started for each key")
        .tag("key", key)
        .register(registry)
        .increment(tokens);
  }
}
