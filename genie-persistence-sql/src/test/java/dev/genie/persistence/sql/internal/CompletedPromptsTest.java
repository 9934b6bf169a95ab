package dev.genie.persistence.sql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.persistence.Prompt;
import dev.genie.persistence.Result;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.StoredPrompt;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CompletedPromptsTest {
  private static final Instant T0 = Instant.parse("2026-05-01T12:00:00Z");

  @Test
  void keepsCompletedPromptsOnly() {
    CompletedPrompts memory = new CompletedPrompts(1024 * 1024);

    memory.remember(state("a", ResultStatus.COMPLETED));
    memory.remember(state("b", ResultStatus.PENDING));
    memory.remember(state("c", ResultStatus.FAILED));

    assertThat(memory.get("a")).contains(state("a", ResultStatus.COMPLETED));
    assertThat(memory.get("b")).isEmpty();
    assertThat(memory.get("c")).isEmpty();
  }

  @Test
  void theLeastRecentlyUsedGoFirstPastTheBudget() {
    CompletedPrompts memory = new CompletedPrompts(16 * 1024); // about twenty entries
    memory.remember(state("first", ResultStatus.COMPLETED));
    memory.remember(state("second", ResultStatus.COMPLETED));
    memory.get("first");

    for (int i = 0; i < 100; i++) {
      memory.remember(state("filler " + i, ResultStatus.COMPLETED));
      memory.get("first");
    }

    assertThat(memory.get("first")).isPresent();
    assertThat(memory.get("second")).isEmpty();
    assertThat(memory.get("filler 99")).isPresent();
    assertThat(memory.get("filler 0")).isEmpty();
  }

  @Test
  void aBudgetOfZeroKeepsNothing() {
    CompletedPrompts memory = new CompletedPrompts(0);

    memory.remember(state("a", ResultStatus.COMPLETED));

    assertThat(memory.get("a")).isEmpty();
  }

  private static StoredPrompt state(String key, ResultStatus status) {
    Prompt prompt = new Prompt("p-" + key, key, "raw " + key, "normalized " + key, 1, T0);
    boolean completed = status == ResultStatus.COMPLETED;
    Result result =
        new Result(
            "r-" + key,
            prompt.id(),
            status,
            completed ? "{\"version\":1}" : null,
            status == ResultStatus.FAILED ? "boom" : null,
            1,
            completed ? null : "owner",
            completed ? null : T0.plusSeconds(60),
            1,
            T0,
            T0,
            completed ? T0 : null);
    return new StoredPrompt(prompt, result);
  }
}
