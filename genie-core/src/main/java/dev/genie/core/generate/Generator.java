package dev.genie.core.generate;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Turns a normalized prompt into pages. The orchestrator calls it at most once per live lease,
 * outside any database transaction: on a thread of its own when it {@link #blocks()}, so that a
 * caller can be answered "pending" at the wait timeout while it goes on; else on the caller's
 * thread.
 */
public interface Generator {

  /** The name that selects this generator in configuration. */
  String name();

  /**
   * Everything that changes what this generator writes; prompts are keyed over it. The default
   * suits a generator without settings: its name, as model too, in the {@code pages} mode.
   */
  default GenerationProfile profile() {
    return GenerationProfile.of(name(), name(), "pages");
  }

  /**
   * @throws Exception when generation fails; the orchestrator records the message on the result, so
   *     it must not carry secrets
   */
  Generation generate(String normalizedPrompt) throws Exception;

  /**
   * The most tokens one {@link #generate} call of {@code normalizedPrompt} may use, read and
   * written: a caller's budget reserves it before the generation starts. Empty, the default: the
   * generator's output has no limit, and a budget reserves all it has left.
   */
  default OptionalLong worstCaseTokens(String normalizedPrompt) {
    return OptionalLong.empty();
  }

  /**
   * The longest one {@link #generate} call may run. Past it, its run stops renewing the lease,
   * interrupts the call and records a failed attempt, so that a generator that hangs cannot hold
   * its prompt for as long as the process lives. Empty, the default: the generator bounds itself.
   */
  default Optional<Duration> timeout() {
    return Optional.empty();
  }

  /**
   * Whether {@link #generate} may wait on anything (a network, a sleep, a lock). A generator that
   * only computes in memory answers false and runs on the caller's thread: handing it to another
   * thread would cost more than the generation itself.
   */
  default boolean blocks() {
    return true;
  }
}
