package dev.genie.generator.openai;

import static dev.genie.persistence.Bounds.requireBetween;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How the {@code openai} generator reaches its model. Validation messages name each setting as
 * {@code OpenAiSettings.<builder method>}; {@link #toString()} never shows the API key.
 *
 * @param baseUrl the endpoint, up to and without {@code /chat/completions}
 * @param apiKey sent as a bearer token
 * @param model the model's name
 * @param temperature sampling temperature, or null for the endpoint's default
 * @param maxOutputTokens output-token limit, or null for the endpoint's default
 * @param systemPrompt the system prompt
 * @param outputMode structured pages or plain text
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
public record OpenAiSettings(
    URI baseUrl,
    String apiKey,
    String model,
    Double temperature,
    Integer maxOutputTokens,
    String systemPrompt,
    OutputMode outputMode,
    Duration timeout,
    int retries,
    int concurrency,
    Duration backoff,
    Duration maxBackoff,
    int breakerMinimumCalls,
    int breakerFailureRate,
    Duration breakerOpenFor) {

  public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
  public static final String DEFAULT_SYSTEM_PROMPT =
      "You are Genie. Answer the user's prompt with a short, well-structured document in plain"
          + " prose: a few pages, each with a title and paragraphs.";

  public OpenAiSettings {
    Objects.requireNonNull(baseUrl, "OpenAiSettings.baseUrl");
    String scheme = baseUrl.getScheme();
    if (!("http".equals(scheme) || "https".equals(scheme)) || baseUrl.getHost() == null) {
      throw new IllegalArgumentException(
          "OpenAiSettings.baseUrl must be an http or https URL such as "
              + DEFAULT_BASE_URL
              + ": "
              + baseUrl);
    }
    if (apiKey == null || apiKey.isBlank()) {
      throw new IllegalArgumentException(
          "OpenAiSettings.apiKey is not set; an endpoint without keys, such as"
              + " Ollama's, accepts any value");
    }
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException(
          "OpenAiSettings.model is not set; name the model, such as gpt-4o-mini");
    }
    if (temperature != null && !(temperature >= 0 && temperature <= 2)) {
      throw new IllegalArgumentException(
          "OpenAiSettings.temperature must be between 0 and 2: " + temperature);
    }
    if (maxOutputTokens != null) {
      requireBetween("OpenAiSettings.maxOutputTokens", maxOutputTokens, 1, 1_000_000);
    }
    Objects.requireNonNull(systemPrompt, "OpenAiSettings.systemPrompt");
    Objects.requireNonNull(outputMode, "OpenAiSettings.outputMode");
    requireBetween("OpenAiSettings.timeout", timeout, 1, 3_600_000);
    requireBetween("OpenAiSettings.retries", retries, 0, 10);
    requireBetween("OpenAiSettings.concurrency", concurrency, 1, 1000);
    requireBetween("OpenAiSettings.backoff", backoff, 1, 60_000);
    requireBetween("OpenAiSettings.maxBackoff", maxBackoff, backoff.toMillis(), 600_000);
    requireBetween("OpenAiSettings.breakerMinimumCalls", breakerMinimumCalls, 1, 1000);
    requireBetween("OpenAiSettings.breakerFailureRate", breakerFailureRate, 1, 100);
    requireBetween("OpenAiSettings.breakerOpenFor", breakerOpenFor, 1, 3_600_000);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every setting but the API key. */
  @Override
  public String toString() {
    return "OpenAiSettings[baseUrl="
        + baseUrl
        + ", apiKey=(set), model="
        + model
        + ", temperature="
        + temperature
        + ", maxOutputTokens="
        + maxOutputTokens
        + ", outputMode="
        + outputMode.wireName()
        + ", timeout="
        + timeout
        + ", retries="
        + retries
        + ", concurrency="
        + concurrency
        + "]";
  }

  /** Defaults as documented for the environment keys; the model and the API key have none. */
  public static final class Builder {
    private URI baseUrl = URI.create(DEFAULT_BASE_URL);
    private String apiKey;
    private String model;
    private Double temperature;
    private Integer maxOutputTokens;
    private String systemPrompt = DEFAULT_SYSTEM_PROMPT;
    private OutputMode outputMode = OutputMode.JSON_SCHEMA;
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

    public Builder model(String model) {
      this.model = model;
      return this;
    }

    public Builder temperature(Double temperature) {
      this.temperature = temperature;
      return this;
    }

    public Builder maxOutputTokens(Integer maxOutputTokens) {
      this.maxOutputTokens = maxOutputTokens;
      return this;
    }

    public Builder systemPrompt(String systemPrompt) {
      this.systemPrompt = systemPrompt;
      return this;
    }

    public Builder outputMode(OutputMode outputMode) {
      this.outputMode = outputMode;
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
    public OpenAiSettings build() {
      return new OpenAiSettings(
          baseUrl,
          apiKey,
          model,
          temperature,
          maxOutputTokens,
          systemPrompt,
          outputMode,
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
