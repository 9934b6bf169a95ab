package dev.genie.generator.openai.internal;

import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * LangChain4j's transport over the JDK's HTTP client, as its own JDK client is, except that an
 * error status carries the endpoint's {@code Retry-After}, which the retry honours.
 */
public final class RetryAfterHttpClient implements HttpClient {
  private final java.net.http.HttpClient client;
  private final Duration readTimeout;
  private final Clock clock;

  private RetryAfterHttpClient(Duration connectTimeout, Duration readTimeout, Clock clock) {
    this.client =
        java.net.http.HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .build();
    this.readTimeout = readTimeout;
    this.clock = clock;
  }

  @Override
  public SuccessfulHttpResponse execute(HttpRequest request) {
    java.net.http.HttpRequest.Builder builder =
        java.net.http.HttpRequest.newBuilder(URI.create(request.url())).timeout(readTimeout);
    request
        .headers()
        .forEach(
            (name, values) -> {
              if (values != null) {
                values.forEach(value -> builder.header(name, value));
              }
            });
    builder.method(
        request.method().name(),
        request.body() == null
            ? BodyPublishers.noBody()
            : BodyPublishers.ofString(request.body(), StandardCharsets.UTF_8));
    HttpResponse<byte[]> response;
    // The request's own timeout ends at the response's head; this one covers a stalled body too.
    CompletableFuture<HttpResponse<byte[]>> call =
        client.sendAsync(builder.build(), BodyHandlers.ofByteArray());
    try {
      response = call.get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      call.cancel(true);
      throw new TimeoutException(e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof HttpTimeoutException timeout) {
        throw new TimeoutException(timeout);
      }
      if (cause instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw new UpstreamInterruptedException(e);
    }
    int status = response.statusCode();
    if (status < 200 || status >= 300) {
      throw new UpstreamHttpException(
          status,
          new String(response.body(), StandardCharsets.UTF_8),
          retryAfter(response.headers().firstValue("Retry-After"), clock).orElse(null));
    }
    return SuccessfulHttpResponse.builder()
        .statusCode(status)
        .headers(response.headers().map())
        .body(response.body())
        .build();
  }

  /** Genie calls without streaming. */
  @Override
  public void execute(
      HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
    throw new UnsupportedOperationException("streaming is not used by Genie");
  }

  /** Delay-seconds or an HTTP date, as RFC 9110 allows; empty when absent or unreadable. */
  static Optional<Duration> retryAfter(Optional<String> header, Clock clock) {
    if (header.isEmpty()) {
      return Optional.empty();
    }
    String value = header.get().strip();
    try {
      long seconds = Long.parseLong(value);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration wait = Duration.between(clock.instant(), at.toInstant());
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
      } catch (DateTimeParseException notDate) {
        return Optional.empty();
      }
    }
  }

  /** Builds the client with the timeouts LangChain4j sets on it. */
  public static final class Builder implements HttpClientBuilder {
    private Duration connectTimeout = Duration.ofSeconds(15);
    private Duration readTimeout = Duration.ofSeconds(60);
    private final Clock clock;

    public Builder(Clock clock) {
      this.clock = clock;
    }

    @Override
    public Duration connectTimeout() {
      return connectTimeout;
    }

    @Override
    public Builder connectTimeout(Duration timeout) {
      if (timeout != null) {
        this.connectTimeout = timeout;
      }
      return this;
    }

    @Override
    public Duration readTimeout() {
      return readTimeout;
    }

    @Override
    public Builder readTimeout(Duration timeout) {
      if (timeout != null) {
        this.readTimeout = timeout;
      }
      return this;
    }

    @Override
    public HttpClient build() {
      return new RetryAfterHttpClient(connectTimeout, readTimeout, clock);
    }
  }
}
