package dev.genie.http.internal.metrics;

import dev.genie.core.Answer;
import dev.genie.core.Answer.Cache;
import dev.genie.core.Answer.Outcome;
import dev.genie.core.OrchestratorListener;
import dev.genie.core.chat.ChatCompletion;
import dev.genie.core.chat.ChatRequest;
import dev.genie.core.envelope.EnvelopeCodec;
import dev.genie.persistence.Prompt;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Counts what the orchestrator does, so single flight can be checked from outside: with one
 * generation per prompt, {@code genie_generations_total} equals the prompts created. Answers and
 * the tokens they saved are counted by {@code surface}: {@code prompts} for {@code /prompts},
 * {@code v1} for the OpenAI-compatible surface's chat completions.
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
  private final Map<Surface, Map<Cache, Counter>> answers = new EnumMap<>(Surface.class);
  private final Map<Surface, Map<Cache, Counter>> tokensSaved = new EnumMap<>(Surface.class);

  /** Where a prompt came from, as the {@code surface} label says it. */
  private enum Surface {
    PROMPTS,
    V1;

    static Surface of(Prompt prompt) {
      return ChatRequest.isChat(prompt) ? V1 : PROMPTS;
    }
  }

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
    for (Surface surface : Surface.values()) {
      String label = surface.name().toLowerCase(Locale.ROOT);
      Map<Cache, Counter> answered = new EnumMap<>(Cache.class);
      Map<Cache, Counter> saved = new EnumMap<>(Cache.class);
      for (Cache cache : Cache.values()) {
        String name = cache.wireName();
        answered.put(
            cache,
            Counter.builder("genie.answers")
                .description("Prompts answered, by Genie-Cache: hit, miss or coalesced")
                .tag("cache", name)
                .tag("surface", label)
                .register(registry));
        if (cache != Cache.MISS) {
          saved.put(
              cache,
              Counter.builder("genie.tokens.saved")
                  .description(
                      "Tokens a model would have used for answers served without generating:"
                          + " the stored result's usage, each time it is served")
                  .tag("cache", name)
                  .tag("surface", label)
                  .register(registry));
        }
      }
      answers.put(surface, answered);
      tokensSaved.put(surface, saved);
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
    Surface surface = Surface.of(answer.state().prompt());
    answers.get(surface).get(answer.cache()).increment();
    Counter saved = tokensSaved.get(surface).get(answer.cache());
    if (saved != null) {
      String stored = answer.state().result().envelope();
      (surface == Surface.V1 ? ChatCompletion.usageOf(stored) : EnvelopeCodec.usageOf(stored))
          .ifPresent(usage -> saved.increment(usage.total()));
    }
  }

  @Override
  public void generated(GenerationOutcome outcome, Duration duration) {
    generations.get(outcome).increment();
    generationDuration.record(duration);
  }
}
