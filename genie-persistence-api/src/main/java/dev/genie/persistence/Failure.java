package dev.genie.persistence;

import java.time.Duration;
import java.util.Objects;

/**
 * Why a generation attempt failed, as every caller of its result is told: Genie's own words, and,
 * when the model's endpoint answered with an error, its HTTP status and the wait it asked for.
 *
 * @param message Genie's words for the failure; never the endpoint's body, never a secret
 * @param upstreamStatus the endpoint's HTTP status, or 0 when it answered none (a timeout, a
 *     refused connection) or when the failure was not the endpoint's
 * @param retryAfter the wait the endpoint asked for in {@code Retry-After}, or null
 */
public record Failure(String message, int upstreamStatus, Duration retryAfter) {
  public Failure {
    Objects.requireNonNull(message, "message");
    if (upstreamStatus != 0 && (upstreamStatus < 100 || upstreamStatus > 599)) {
      throw new IllegalArgumentException("not an HTTP status: " + upstreamStatus);
    }
    if (retryAfter != null && retryAfter.isNegative()) {
      throw new IllegalArgumentException("a negative Retry-After: " + retryAfter);
    }
  }

  /** A failure that was not the endpoint's answer. */
  public static Failure of(String message) {
    return new Failure(message, 0, null);
  }
}
