package dev.genie.generator.openai.internal;

import dev.langchain4j.exception.HttpException;
import java.time.Duration;
import java.util.Optional;

/** An error status from the endpoint, with the wait it asked for in {@code Retry-After}. */
public final class UpstreamHttpException extends HttpException {
  private final Duration retryAfter;

  UpstreamHttpException(int statusCode, String body, Duration retryAfter) {
    super(statusCode, body);
    this.retryAfter = retryAfter;
  }

  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
