package dev.genie.http.internal.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.core.CoreErrorCode;
import dev.genie.core.GenerationBudget;
import dev.genie.core.LimitExceededException;
import dev.genie.core.generate.Usage;
import dev.genie.http.internal.auth.RefusingKeyStore;
import dev.genie.persistence.ApiKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
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
  void aKeyWithADailyBudgetReservesEachWorstCaseAndRefusesWhatNoLongerFits() {
    GenerationBudget budget = limits.budget(key(100));
    assertThat(budget.mayRefuse()).isTrue();

    GenerationBudget.Reservation first = budget.reserve(OptionalLong.of(60));
    assertThat(store.spent).isEqualTo(60);
    assertThatThrownBy(() -> budget.reserve(OptionalLong.of(41)))
        .isInstanceOfSatisfying(
            LimitExceededException.class,
            e -> assertThat(e.code()).isEqualTo(CoreErrorCode.BUDGET_EXHAUSTED));
    first.settle(new Usage(5, 15));
    assertThat(store.spent).as("settled to what was used").isEqualTo(20);
    budget.reserve(OptionalLong.of(80)).settle(null);
    assertThat(store.spent).as("an unknown use keeps the reservation").isEqualTo(100);
    assertThat(store.day).isEqualTo(LocalDate.of(2026, 11, 30));
  }

  @Test
  void aGenerationWithoutAnOutputLimitReservesAllTheKeyHasLeft() {
    GenerationBudget budget = limits.budget(key(100));
    store.spent = 30;

    GenerationBudget.Reservation unbounded = budget.reserve(OptionalLong.empty());
    assertThat(store.spent).isEqualTo(100);
    assertThatThrownBy(() -> budget.reserve(OptionalLong.of(1)))
        .isInstanceOf(LimitExceededException.class);
    unbounded.settle(new Usage(10, 10));
    assertThat(store.spent).isEqualTo(50);
  }

  @Test
  void aWorstCaseBeyondTheWholeBudgetIsRefusedNamingTheSettings() {
    assertThatThrownBy(() -> limits.budget(key(100)).reserve(OptionalLong.of(101)))
        .isInstanceOf(LimitExceededException.class)
        .hasMessageContaining("GENIE_OPENAI_MAX_OUTPUT_TOKENS")
        .hasMessageContaining("--daily-tokens");
    assertThat(store.spent).isZero();
  }

  @Test
  void aTakeoverIsChargedToTheKeyThatStartedThePromptsGeneration() {
    limits.budget(key(100)).reserve(OptionalLong.of(10)).started("prompt-1");
    store.spent = 0;

    limits.takeovers().of("prompt-1").settle(new Usage(3, 4));
    limits.takeovers().of("prompt-2").settle(new Usage(50, 50));

    assertThat(store.spent).isEqualTo(7);
  }

  private static ApiKey key(long dailyTokens) {
    return new ApiKey("app", "team-a", 0, dailyTokens, false, NOW, null, null);
  }

  /** One key's spending and the prompts it started, in memory, as a store keeps them. */
  private static final class SpentOnly extends RefusingKeyStore {
    long spent;
    LocalDate day;
    final Map<String, String> generationKeys = new HashMap<>();

    @Override
    public long spent(String name, LocalDate day) {
      this.day = day;
      return spent;
    }

    @Override
    public boolean reserve(String name, LocalDate day, long tokens, long limit) {
      this.day = day;
      if (spent + tokens > limit) {
        return false;
      }
      spent += tokens;
      return true;
    }

    @Override
    public void settle(String name, LocalDate day, long reserved, long used) {
      spent += used - reserved;
    }

    @Override
    public void charge(String name, LocalDate day, long tokens) {
      spent += tokens;
    }

    @Override
    public void recordGenerationKey(String promptId, String name) {
      generationKeys.put(promptId, name);
    }

    @Override
    public Optional<String> generationKey(String promptId) {
      return Optional.ofNullable(generationKeys.get(promptId));
    }
  }
}
