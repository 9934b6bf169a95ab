package dev.genie.core;

import java.time.Duration;

/** A caller went past one of its limits: a request rate or a token budget. */
public class LimitExceededException extends GenieException {
  private final Duration retryAfter;

  public LimitExceededException(ErrorCode code, String message, Duration retryAfter) {
    super(code, message);
    this.retryAfter = retryAfter;
  }

  /** When the caller may try again. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
