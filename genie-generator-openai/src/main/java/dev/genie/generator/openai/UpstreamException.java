package dev.genie.generator.openai;

import dev.genie.core.generate.GenerationException;
import dev.genie.core.generate.Usage;
import java.time.Duration;

/**
 * A generation attempt failed upstream, after the retries it was allowed; the message is recorded
 * on the result with the endpoint's status, and never holds the API key.
 */
public final class UpstreamException extends GenerationException {
  public UpstreamException(String message) {
    super(message);
  }

  /**
   * @param status the endpoint's HTTP status, or 0 when it answered none
   * @param retryAfter the endpoint's {@code Retry-After}, or null
   */
  public UpstreamException(String message, int status, Duration retryAfter) {
    super(message, status, retryAfter);
  }

  /**
   * @param used the tokens the endpoint reported for a reply Genie could not use, or null
   */
  public UpstreamException(String message, Usage used) {
    super(message, 0, null, used);
  }
}
