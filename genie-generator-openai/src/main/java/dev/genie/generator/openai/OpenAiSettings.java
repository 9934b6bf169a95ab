package dev.genie.generator.openai;

import static dev.genie.persistence.Bounds.requireBetween;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How the {@code openai} generator writes pages: the endpoint it calls ({@link EndpointSettings})
 * and every setting that changes the answer. Validation messages name each setting as {@code
 * OpenAiSettings.<builder method>}, or {@code EndpointSettings.<builder method>} for the
 * endpoint's; {@link #toString()} never shows the API key.
 *
 * @param endpoint where and how the model's endpoint is called
 * @param model the model's name
 * @param temperature sampling temperature, or null for the endpoint's default
 * @param maxOutputTokens output-token limit, or null for the endpoint's default
 * @param systemPrompt the system prompt
 * @param outputMode structured pages or plain text
 */
public record OpenAiSettings(
    EndpointSettings endpoint,
    String model,
    Double temperature,
    Integer maxOutputTokens,
    String systemPrompt,
    OutputMode outputMode) {

  public static final String DEFAULT_BASE_URL = EndpointSettings.DEFAULT_BASE_URL;
  public static final String DEFAULT_SYSTEM_PROMPT =
      "You are Genie. Answer the user's prompt with a short, well-structured document in plain"
          + " prose: a few pages, each with a title and paragraphs.";

  public OpenAiSettings {
    Objects.requireNonNull(endpoint, "OpenAiSettings.endpoint");
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
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every setting but the API key. */
  @Override
  public String toString() {
    return "OpenAiSettings[endpoint="
        + endpoint
        + ", model="
        + model
        + ", temperature="
        + temperature
        + ", maxOutputTokens="
        + maxOutputTokens
        + ", outputMode="
        + outputMode.wireName()
        + "]";
  }

  /**
   * Defaults as documented for the environment keys; the model and the API key have none. The
   * endpoint's settings are set here too, as {@link EndpointSettings.Builder} takes them.
   */
  public static final class Builder {
    private EndpointSettings.Builder endpoint = EndpointSettings.builder();
    private String model;
    private Double temperature;
    private Integer maxOutputTokens;
    private String systemPrompt = DEFAULT_SYSTEM_PROMPT;
    private OutputMode outputMode = OutputMode.JSON_SCHEMA;

    private Builder() {}

    /** The endpoint's settings as {@code endpoint} holds them; the setters below change them. */
    public Builder endpoint(EndpointSettings.Builder endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    public Builder baseUrl(URI baseUrl) {
      endpoint.baseUrl(baseUrl);
      return this;
    }

    public Builder apiKey(String apiKey) {
      endpoint.apiKey(apiKey);
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
      endpoint.timeout(timeout);
      return this;
    }

    public Builder retries(int retries) {
      endpoint.retries(retries);
      return this;
    }

    public Builder concurrency(int concurrency) {
      endpoint.concurrency(concurrency);
      return this;
    }

    public Builder backoff(Duration backoff) {
      endpoint.backoff(backoff);
      return this;
    }

    public Builder maxBackoff(Duration maxBackoff) {
      endpoint.maxBackoff(maxBackoff);
      return this;
    }

    public Builder breakerMinimumCalls(int breakerMinimumCalls) {
      endpoint.breakerMinimumCalls(breakerMinimumCalls);
      return this;
    }

    public Builder breakerFailureRate(int breakerFailureRate) {
      endpoint.breakerFailureRate(breakerFailureRate);
      return this;
    }

    public Builder breakerOpenFor(Duration breakerOpenFor) {
      endpoint.breakerOpenFor(breakerOpenFor);
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first bad setting
     */
    public OpenAiSettings build() {
      return new OpenAiSettings(
          endpoint.build(), model, temperature, maxOutputTokens, systemPrompt, outputMode);
    }
  }
}
