package dev.genie.generator.openai;

/**
 * A generation attempt failed upstream, after the retries it was allowed; the message is recorded
 * on the result, and never holds the API key.
 */
public final class UpstreamException extends Exception {
  public UpstreamException(String message) {
    super(message);
  }
}
