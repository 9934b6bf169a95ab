package dev.genie.core;

import java.time.Duration;

/**
 * The generator cannot take new work now (its upstream keeps failing): nothing was attempted and no
 * attempt is recorded. Completed prompts are still served.
 */
public class GeneratorUnavailableException extends GenieException {
  private final Duration retryAfter;

  public GeneratorUnavailableException(String message, Duration retryAfter) {
    super(CoreErrorCode.GENERATOR_UNAVAILABLE, message);
    this.retryAfter = retryAfter;
  }

  /** When a new generation may be accepted again. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
