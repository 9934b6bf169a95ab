package dev.genie.http.internal.limits;

import dev.genie.core.CoreErrorCode;
import dev.genie.core.GenerationBudget;
import dev.genie.core.LimitExceededException;
import dev.genie.core.generate.Usage;
import dev.genie.http.internal.errors.HttpErrorCode;
import dev.genie.http.internal.metrics.KeyMeters;
import dev.genie.persistence.ApiKey;
import dev.genie.persistence.KeyStore;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each key's limits. The request rate is counted per instance, in memory (n instances admit up to n
 * times the rate); the daily token budget is counted in the store, across all instances: each
 * generation reserves its worst case before it starts and settles to what it used after.
 */
public final class CallerLimits {
  private final KeyStore store;
  private final Clock clock;
  private final KeyMeters meters;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  public CallerLimits(KeyStore store, Clock clock, MeterRegistry registry) {
    this.store = store;
    this.clock = clock;
    this.meters = new KeyMeters(registry);
  }

  /**
   * Counts one request of {@code key}.
   *
   * @throws LimitExceededException {@code RATE_LIMITED} when the key is past its rate
   */
  public void admit(ApiKey key) {
    meters.request(key.name());
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

  /**
   * The budget that generations started for {@code key} reserve from and are charged to. A key with
   * a daily limit reserves each generation's worst case in the store before it starts, in one
   * atomic step shared by every instance, so that parallel requests cannot take it past the limit;
   * a generation with no output limit reserves all the key has left for the day.
   */
  public GenerationBudget budget(ApiKey key) {
    return new GenerationBudget() {
      @Override
      public boolean mayRefuse() {
        return key.dailyTokens() > 0;
      }

      @Override
      public Reservation reserve(OptionalLong worstCase) {
        LocalDate today = today();
        if (key.dailyTokens() == 0) {
          return new KeyReservation(key.name(), today, 0);
        }
        long tokens =
            worstCase.isPresent()
                ? Math.max(1, worstCase.getAsLong())
                : key.dailyTokens() - store.spent(key.name(), today);
        if (tokens > key.dailyTokens()) {
          throw exhausted(
              key,
              today,
              "a generation of this request may use up to "
                  + tokens
                  + " tokens (the prompt's estimate plus its output limit), more than key "
                  + key.name()
                  + "'s daily budget of "
                  + key.dailyTokens()
                  + "; lower max_tokens or GENIE_OPENAI_MAX_OUTPUT_TOKENS, or raise the key's"
                  + " --daily-tokens");
        }
        if (tokens < 1 || !store.reserve(key.name(), today, tokens, key.dailyTokens())) {
          throw exhausted(
              key,
              today,
              "key "
                  + key.name()
                  + " has used or reserved its "
                  + key.dailyTokens()
                  + " tokens for today (UTC), with this generation's worst case of "
                  + (tokens < 1 ? "all that is left" : tokens + " tokens")
                  + "; stored results are still served");
        }
        return new KeyReservation(key.name(), today, tokens);
      }
    };
  }

  /**
   * What the generations of results taken over, by a waiter or a sweep, are charged to: the key
   * that started the prompt's generation, found when the generation ends.
   */
  public GenerationBudget.Takeovers takeovers() {
    return promptId ->
        used -> {
          if (used == null || used.total() == 0) {
            return;
          }
          Optional<String> name = store.generationKey(promptId);
          if (name.isPresent()) {
            new KeyReservation(name.get(), today(), 0).settle(used);
          }
        };
  }

  private LocalDate today() {
    return LocalDate.now(clock.withZone(ZoneOffset.UTC));
  }

  private LimitExceededException exhausted(ApiKey key, LocalDate today, String message) {
    return new LimitExceededException(
        CoreErrorCode.BUDGET_EXHAUSTED,
        message,
        Duration.between(
            clock.instant(), today.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)));
  }

  /** Tokens reserved for one generation of a key's, on the day it started. */
  private final class KeyReservation implements GenerationBudget.Reservation {
    private final String name;
    private final LocalDate day;
    private final long reserved;

    KeyReservation(String name, LocalDate day, long reserved) {
      this.name = name;
      this.day = day;
      this.reserved = reserved;
    }

    @Override
    public void started(String promptId) {
      store.recordGenerationKey(promptId, name);
    }

    @Override
    public void settle(Usage used) {
      long tokens = used == null ? reserved : used.total();
      if (tokens != reserved) {
        store.settle(name, day, reserved, tokens);
      }
      if (tokens > 0) {
        meters.tokens(name, tokens);
      }
    }
  }
}
