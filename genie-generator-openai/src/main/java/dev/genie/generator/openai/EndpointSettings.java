package dev.genie.generator.openai;

import static dev.genie.persistence.Bounds.requireBetween;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How Genie reaches an OpenAI-compatible endpoint, whichever generator calls it: where, with which
 * key, and how patiently. Validation messages name each setting as {@code EndpointSettings.<builder
 * method>}; {@link #toString()} never shows the API key.
 *
 * @param baseUrl the endpoint, up to and without {@code /chat/completions}
 * @param apiKey sent as a bearer token
 * @param timeout how long one upstream call may take
 * @param retries further calls after a transient failure
 * @param concurrency upstream calls at once; the rest wait their turn
 * @param backoff the first pause before a retry, doubled for each further one, with jitter
 * @param maxBackoff the longest pause, and the longest {@code Retry-After} honoured: an endpoint
 *     that asks for more fails the attempt instead
 * @param breakerMinimumCalls calls in the breaker's window before it may open
 * @param breakerFailureRate the percentage of transient failures in its window that opens it
 * @param breakerOpenFor how long it fails new generations fast before it lets one call through
 */
public record EndpointSettings(
    URI baseUrl,
    String apiKey,
    Duration timeout,
    int retries,
    int concurrency,
    Duration backoff,
    Duration maxBackoff,
    int breakerMinimumCalls,
    int breakerFailureRate,
    Duration breakerOpenFor) {

  public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

  public EndpointSettings {
    Objects.requireNonNull(baseUrl, "EndpointSettings.baseUrl");
    String scheme = baseUrl.getScheme();
    if (!("http".equals(scheme) || "https".equals(scheme)) || baseUrl.getHost() == null) {
      throw new IllegalArgumentException(
          "EndpointSettings.baseUrl must be an http or https URL such as "
              + DEFAULT_BASE_URL
              + ": "
              + baseUrl);
    }
    if (apiKey == null || apiKey.isBlank()) {
      throw new IllegalArgumentException(
          "EndpointSettings.apiKey is not set; an endpoint without keys, such as"
              + " Ollama's, accepts any value");
    }
    requireBetween("EndpointSettings.timeout", timeout, 1, 3_600_000);
    requireBetween("EndpointSettings.retries", retries, 0, 10);
    requireBetween("EndpointSettings.concurrency", concurrency, 1, 1000);
    requireBetween("EndpointSettings.backoff", backoff, 1, 60_000);
    requireBetween("EndpointSettings.maxBackoff", maxBackoff, backoff.toMillis(), 600_000);
    requireBetween("EndpointSettings.breakerMinimumCalls", breakerMinimumCalls, 1, 1000);
    requireBetween("EndpointSettings.breakerFailureRate", breakerFailureRate, 1, 100);
    requireBetween("EndpointSettings.breakerOpenFor", breakerOpenFor, 1, 3_600_000);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every setting but the API key. */
  @Override
  public String toString() {
    return "EndpointSettings[baseUrl="
        + baseUrl
        + ", apiKey=(set), timeout="
        + timeout
        + ", retries="
        + retries
        + ", concurrency="
        + concurrency
        + "]";
  }

  /** Defaults as documented for the environment keys; the API key has none. */
  public static final class Builder {
    private URI baseUrl = URI.create(DEFAULT_BASE_URL);
    private String apiKey;
    private Duration timeout = Duration.ofMillis(120_000);
    private int retries = 2;
    private int concurrency = 8;
    private Duration backoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private int breakerMinimumCalls = 10;
    private int breakerFailureRate = 50;
    private Duration breakerOpenFor = Duration.ofSeconds(30);

    private Builder() {}

    public Builder baseUrl(URI baseUrl) {
      this.baseUrl = baseUrl;
      return this;
    }

    public Builder apiKey(String apiKey) {
      this.apiKey = apiKey;
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public Builder retries(int retries) {
      this.retries = retries;
      return this;
    }

    public Builder concurrency(int concurrency) {
      this.concurrency = concurrency;
      return this;
    }

    public Builder backoff(Duration backoff) {
      this.backoff = backoff;
      return this;
    }

    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
      return this;
    }

    public Builder breakerMinimumCalls(int breakerMinimumCalls) {
      this.breakerMinimumCalls = breakerMinimumCalls;
      return this;
    }

    public Builder breakerFailureRate(int breakerFailureRate) {
      this.breakerFailureRate = breakerFailureRate;
      return this;
    }

    public Builder breakerOpenFor(Duration breakerOpenFor) {
      this.breakerOpenFor = breakerOpenFor;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first bad setting
     */
    public EndpointSettings build() {
      return new EndpointSettings(
          baseUrl,
          apiKey,
          timeout,
          retries,
          concurrency,
          backoff,
          maxBackoff,
          breakerMinimumCalls,
          breakerFailureRate,
          breakerOpenFor);
    }
  }
}
