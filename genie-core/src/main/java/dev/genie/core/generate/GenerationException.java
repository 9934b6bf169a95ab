package dev.genie.core.generate;

import dev.genie.persistence.Failure;
import java.time.Duration;

/**
 * A generation attempt failed, and, when the model's endpoint answered with an error, with its HTTP
 * status and the wait it asked for: the orchestrator records all three on the result, so that every
 * caller of it is told the same status. The message is recorded too: Genie's own words, never the
 * endpoint's text nor a secret.
 */
public class GenerationException extends Exception {
  private final int upstreamStatus;
  private final transient Duration retryAfter;
  private final transient Usage used;

  /**
   * @param upstreamStatus the endpoint's HTTP status, or 0 when it answered none
   * @param retryAfter the endpoint's {@code Retry-After}, or null
   */
  public GenerationException(String message, int upstreamStatus, Duration retryAfter) {
    this(message, upstreamStatus, retryAfter, null);
  }

  /**
   * @param used the tokens the model reported for the failed attempt (a reply cut off or not
   *     usable), or null when it reported none
   */
  public GenerationException(String message, int upstreamStatus, Duration retryAfter, Usage used) {
    super(message);
    this.upstreamStatus = upstreamStatus;
    this.retryAfter = retryAfter;
    this.used = used;
  }

  public GenerationException(String message) {
    this(message, 0, null);
  }

  /** The endpoint's HTTP status, or 0 when it answered none. */
  public int upstreamStatus() {
    return upstreamStatus;
  }

  /** The tokens the model reported for this attempt, or null when it reported none. */
  public Usage used() {
    return used;
  }

  /** The endpoint's {@code Retry-After}, or null. */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** What the result records, with the message cut to {@code maxChars}. */
  public Failure failure(int maxChars) {
    String message = getMessage() == null ? "the generator failed" : getMessage();
    return new Failure(
        message.length() <= maxChars ? message : message.substring(0, maxChars),
        upstreamStatus,
        retryAfter);
  }
}
