package dev.genie.http;

import dev.genie.core.Answer;
import dev.genie.core.Answer.Cache;
import dev.genie.core.Answer.Outcome;
import dev.genie.core.OrchestratorListener;
import dev.genie.core.generate.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Counts what the orchestrator does, so single flight can be checked from outside: with one
 * generation per prompt, {@code genie_generations_total} equals the prompts created.
 */
public final class MicrometerListener implements OrchestratorListener {
  private final Counter claimsWon;
  private final Counter claimsLost;
  private final Counter takeovers;
  private final Counter sweeps;
  private final Counter swept;
  private final Counter waitsSettled;
  private final Counter waitsPending;
  private final Timer waitDuration;
  private final Map<GenerationOutcome, Counter> generations =
      new EnumMap<>(GenerationOutcome.class);
  private final Timer generationDuration;
  private final Map<Cache, Counter> answers = new EnumMap<>(Cache.class);
  private final Map<Cache, Counter> tokensSaved = new EnumMap<>(Cache.class);

  public MicrometerListener(MeterRegistry registry) {
    claimsWon = claims(registry, "won");
    claimsLost = claims(registry, "lost");
    takeovers =
        Counter.builder("genie.takeovers")
            .description("Leases taken over after they expired or their attempt failed")
            .register(registry);
    sweeps =
        Counter.builder("genie.sweeps")
            .description("Passes of this instance's sweep for expired leases")
            .register(registry);
    swept =
        Counter.builder("genie.sweep.takeovers")
            .description("Expired leases this instance's sweep took over, to finish their results")
            .register(registry);
    waitsSettled = waits(registry, "settled");
    waitsPending = waits(registry, "pending");
    waitDuration =
        Timer.builder("genie.wait.duration")
            .description("How long callers waited for another caller's result")
            .register(registry);
    for (GenerationOutcome outcome : GenerationOutcome.values()) {
      generations.put(
          outcome,
          Counter.builder("genie.generations")
              .description("Generator runs by outcome")
              .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
              .register(registry));
    }
    generationDuration =
        Timer.builder("genie.generation.duration")
            .description("How long generator runs took")
            .register(registry);
    for (Cache cache : Cache.values()) {
      String name = cache.wireName();
      answers.put(
          cache,
          Counter.builder("genie.answers")
              .description("Prompts answered, by Genie-Cache: hit, miss or coalesced")
              .tag("cache", name)
              .register(registry));
      if (cache != Cache.MISS) {
        tokensSaved.put(
            cache,
            Counter.builder("genie.tokens.saved")
                .description(
                    "Tokens a model would have used for answers served without generating:"
                        + " the stored result's usage, each time it is served")
                .tag("cache", name)
                .register(registry));
      }
    }
  }

  private static Counter claims(MeterRegistry registry, String outcome) {
    return Counter.builder("genie.claims")
        .description("Claims by outcome: won (this caller generates) or lost (it reads or waits)")
        .tag("outcome", outcome)
        .register(registry);
  }

  private static Counter waits(MeterRegistry registry, String outcome) {
    return Counter.builder("genie.waits")
        .description("Waits for another caller's result, by how they ended")
        .tag("outcome", outcome)
        .register(registry);
  }

  @Override
  public void claimWon() {
    claimsWon.increment();
  }

  @Override
  public void claimLost() {
    claimsLost.increment();
  }

  @Override
  public void tookOver() {
    takeovers.increment();
  }

  @Override
  public void swept(int taken) {
    sweeps.increment();
    swept.increment(taken);
  }

  @Override
  public void waited(Duration duration, boolean settled) {
    (settled ? waitsSettled : waitsPending).increment();
    waitDuration.record(duration);
  }

  @Override
  public void answered(Answer answer) {
    if (answer.outcome() == Outcome.PENDING) {
      return;
    }
    answers.get(answer.cache()).increment();
    Counter saved = tokensSaved.get(answer.cache());
    if (saved != null) {
      Usage.inEnvelope(answer.state().result().envelope())
          .ifPresent(usage -> saved.increment(usage.total()));
    }
  }

  @Override
  public void generated(GenerationOutcome outcome, Duration duration) {
    generations.get(outcome).increment();
    generationDuration.record(duration);
  }
}
