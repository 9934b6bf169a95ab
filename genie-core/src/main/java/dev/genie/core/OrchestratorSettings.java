package dev.genie.core;

import static dev.genie.persistence.Bounds.requireBetween;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * How the orchestrator waits, leases and limits. Validation messages name each setting as {@code
 * OrchestratorSettings.<builder method>}.
 *
 * @param waitTimeout how long a submit waits for a pending result before answering pending
 * @param lease how long a generation lease lasts before another caller may take over
 * @param maxAttempts how many generations a prompt may start before it stays failed
 * @param maxPromptChars the longest normalized prompt, in code points
 * @param pollInitial the first pause of a waiter, doubled up to {@code pollMax}
 * @param pollMax the longest pause of a waiter between two reads of the store
 * @param instanceId this instance's name in leases (each grant adds a number), for diagnostics
 * @param generationConcurrency how many generations of a generator that blocks run at once
 * @param generationQueue how many new prompts may wait for one of those; more are refused
 */
public record OrchestratorSettings(
    Duration waitTimeout,
    Duration lease,
    int maxAttempts,
    int maxPromptChars,
    Duration pollInitial,
    Duration pollMax,
    String instanceId,
    int generationConcurrency,
    int generationQueue) {

  public OrchestratorSettings {
    requireBetween("OrchestratorSettings.waitTimeout", waitTimeout, Duration.ZERO, HOUR);
    requireBetween("OrchestratorSettings.lease", lease, Duration.ofMillis(1), Duration.ofDays(1));
    requireBetween(
        "OrchestratorSettings.pollInitial",
        pollInitial,
        Duration.ofMillis(1),
        Duration.ofMinutes(1));
    requireBetween("OrchestratorSettings.pollMax", pollMax, pollInitial, Duration.ofMinutes(1));
    requireBetween("OrchestratorSettings.maxAttempts", maxAttempts, 1, 100);
    requireBetween("OrchestratorSettings.maxPromptChars", maxPromptChars, 1, 1_000_000);
    Objects.requireNonNull(instanceId, "OrchestratorSettings.instanceId");
    requireBetween("OrchestratorSettings.generationConcurrency", generationConcurrency, 1, 1_000);
    requireBetween("OrchestratorSettings.generationQueue", generationQueue, 0, 100_000);
  }

  private static final Duration HOUR = Duration.ofHours(1);

  public static Builder builder() {
    return new Builder();
  }

  /** Defaults as documented for the environment keys. */
  public static final class Builder {
    private Duration waitTimeout = Duration.ofSeconds(30);
    private Duration lease = Duration.ofSeconds(60);
    private int maxAttempts = 3;
    private int maxPromptChars = 8000;
    private Duration pollInitial = Duration.ofMillis(5);
    private Duration pollMax = Duration.ofMillis(250);
    private String instanceId = "genie-" + UUID.randomUUID().toString().substring(0, 8);
    private int generationConcurrency = 8;
    private int generationQueue = 256;

    private Builder() {}

    public Builder waitTimeout(Duration waitTimeout) {
      this.waitTimeout = waitTimeout;
      return this;
    }

    public Builder lease(Duration lease) {
      this.lease = lease;
      return this;
    }

    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    public Builder maxPromptChars(int maxPromptChars) {
      this.maxPromptChars = maxPromptChars;
      return this;
    }

    public Builder pollInitial(Duration pollInitial) {
      this.pollInitial = pollInitial;
      return this;
    }

    public Builder pollMax(Duration pollMax) {
      this.pollMax = pollMax;
      return this;
    }

    public Builder instanceId(String instanceId) {
      this.instanceId = instanceId;
      return this;
    }

    public Builder generationConcurrency(int generationConcurrency) {
      this.generationConcurrency = generationConcurrency;
      return this;
    }

    public Builder generationQueue(int generationQueue) {
      this.generationQueue = generationQueue;
      return this;
    }

    public OrchestratorSettings build() {
      return new OrchestratorSettings(
          waitTimeout,
          lease,
          maxAttempts,
          maxPromptChars,
          pollInitial,
          pollMax,
          instanceId,
          generationConcurrency,
          generationQueue);
    }
  }
}
