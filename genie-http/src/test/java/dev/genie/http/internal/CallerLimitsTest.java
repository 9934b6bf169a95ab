package dev.genie.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.core.CoreErrorCode;
import dev.genie.core.GenerationBudget;
import dev.genie.core.LimitExceededException;
import dev.genie.persistence.ApiKey;
import dev.genie.persistence.KeyStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CallerLimitsTest {
  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  private final SpentOnly store = new SpentOnly();
  private final CallerLimits limits =
      new CallerLimits(store, Clock.fixed(NOW, ZoneOffset.UTC), new SimpleMeterRegistry());

  @Test
  void aKeyWithoutADailyBudgetNeverRefusesSoItsRequestsAreNeverAskedFor() {
    assertThat(limits.budget(key(0)).mayRefuse()).isFalse();
  }

  @Test
  void aKeyWithADailyBudgetRefusesOnceTodaysSpendingReachesIt() {
    GenerationBudget budget = limits.budget(key(100));
    assertThat(budget.mayRefuse()).isTrue();

    store.spent = 99;
    budget.beforeGeneration();
    store.spent = 100;
    assertThatThrownBy(budget::beforeGeneration)
        .isInstanceOfSatisfying(
            LimitExceededException.class,
            e -> assertThat(e.code()).isEqualTo(CoreErrorCode.BUDGET_EXHAUSTED));
    assertThat(store.reads).isEqualTo(2);
    assertThat(store.day).isEqualTo(LocalDate.of(2026, 11, 30));
  }

  private static ApiKey key(long dailyTokens) {
    return new ApiKey("app", "team-a", 0, dailyTokens, false, NOW, null, null);
  }

  /** A key store that only answers what a key spent, and counts how often it was asked. */
  private static final class SpentOnly implements KeyStore {
    long spent;
    int reads;
    LocalDate day;

    @Override
    public long spent(String name, LocalDate day) {
      reads++;
      this.day = day;
      return spent;
    }

    @Override
    public void create(ApiKey key, byte[] keyHash) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<ApiKey> findByHash(byte[] keyHash) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<ApiKey> list() {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean revoke(String name, Instant now) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void touch(String name, Instant now) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void charge(String name, LocalDate day, long tokens) {
      throw new UnsupportedOperationException();
    }
  }
}
