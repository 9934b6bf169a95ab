package dev.genie.core;

import java.time.Duration;

/** What the orchestrator reports as it works, for metrics. Every method must return quickly. */
public interface OrchestratorListener {
  OrchestratorListener NONE = new OrchestratorListener() {};

  /** How a generation ended. */
  enum GenerationOutcome {
    COMPLETED,
    FAILED,
    /** Its lease had been taken over: the envelope was rejected by the fencing token. */
    FENCED_OUT,
    /** Interrupted (shutdown): the lease was released for another caller. */
    ABANDONED,
    /**
     * The generator refused new work ({@link GeneratorUnavailableException}): nothing was
     * attempted, and the lease was released.
     */
    UNAVAILABLE,
    /** Generated, but the store could not take the result while the lease was ours: released. */
    UNSTORED
  }

  /** This caller was granted the lease of a new prompt. */
  default void claimWon() {}

  /** The prompt existed already: this caller reads or waits. */
  default void claimLost() {}

  /** This caller, or a sweep, took over an expired or failed lease. */
  default void tookOver() {}

  /** A sweep for expired leases ran and took over {@code taken} of them. */
  default void swept(int taken) {}

  /** A wait for another caller's result ended, settled or not. */
  default void waited(Duration duration, boolean settled) {}

  default void generated(GenerationOutcome outcome, Duration duration) {}

  /** A submitted prompt was answered, settled or still pending. */
  default void answered(Answer answer) {}
}
