package dev.genie.http.internal;

import dev.genie.core.CoreErrorCode;
import dev.genie.core.GenerationBudget;
import dev.genie.core.LimitExceededException;
import dev.genie.core.generate.Usage;
import dev.genie.persistence.ApiKey;
import dev.genie.persistence.KeyStore;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each key's limits. The request rate is counted per instance, in memory (n instances admit up to n
 * times the rate); the daily token budget is counted in the store, across all instances, and
 * checked before each generation, so a generation already running may take a key somewhat past it.
 */
public final class CallerLimits {
  private final KeyStore store;
  private final Clock clock;
  private final MeterRegistry registry;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  public CallerLimits(KeyStore store, Clock clock, MeterRegistry registry) {
    this.store = store;
    this.clock = clock;
    this.registry = registry;
  }

  /**
   * Counts one request of {@code key}.
   *
   * @throws LimitExceededException {@code RATE_LIMITED} when the key is past its rate
   */
  public void admit(ApiKey key) {
    Counter.builder("genie.key.requests")
        .description("Requests accepted with each key, before its rate limit")
        .tag("key", key.name())
        .register(registry)
        .increment();
    if (key.ratePerSecond() == 0) {
      return;
    }
    Bucket bucket =
        buckets.computeIfAbsent(
            key.name(),
            name ->
                Bucket.builder()
                    .addLimit(
                        limit ->
                            limit
                                .capacity(key.ratePerSecond())
                                .refillGreedy(key.ratePerSecond(), Duration.ofSeconds(1)))
                    .build());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (!probe.isConsumed()) {
      throw new LimitExceededException(
          HttpErrorCode.RATE_LIMITED,
          "key "
              + key.name()
              + " may send "
              + key.ratePerSecond()
              + " requests per second to each instance; retry after the Retry-After seconds",
          Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }
  }

  /** The budget that generations started for {@code key} are checked against and charged to. */
  public GenerationBudget budget(ApiKey key) {
    return new GenerationBudget() {
      @Override
      public boolean mayRefuse() {
        return key.dailyTokens() > 0;
      }

      @Override
      public void beforeGeneration() {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        long spent = store.spent(key.name(), today);
        if (spent >= key.dailyTokens()) {
          throw new LimitExceededException(
              CoreErrorCode.BUDGET_EXHAUSTED,
              "key "
                  + key.name()
                  + " has used its "
                  + key.dailyTokens()
                  + " tokens for today (UTC); stored results are still served",
              Duration.between(
                  clock.instant(), today.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)));
        }
      }

      @Override
      public void spent(Usage usage) {
        store.charge(key.name(), LocalDate.now(clock.withZone(ZoneOffset.UTC)), usage.total());
        Counter.builder("genie.key.tokens")
            .description("Tokens used by generations started for each key")
            .tag("key", key.name())
            .register(registry)
            .increment(usage.total());
      }
    };
  }
}
