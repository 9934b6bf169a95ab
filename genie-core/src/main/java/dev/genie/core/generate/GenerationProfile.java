package dev.genie.core.generate;

import dev.genie.core.internal.JsonString;
import dev.genie.persistence.PromptKey;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * Everything that changes what a generator writes: its name, the model and each setting that shapes
 * the answer. Prompts are keyed over the profile's {@link #id()}, so a changed model or system
 * prompt never serves an answer that another profile wrote.
 *
 * @param generator the generator's name
 * @param model the model's name
 * @param temperature the sampling temperature, or null for the endpoint's default
 * @param maxOutputTokens the output-token limit, or null for none
 * @param systemPrompt the system prompt sent with every prompt, or null for none
 * @param outputMode how the answer is asked for, such as {@code json_schema} or {@code text}
 * @param templateVersion the version of Genie's own instructions around the prompt
 */
public record GenerationProfile(
    String generator,
    String model,
    Double temperature,
    Integer maxOutputTokens,
    String systemPrompt,
    String outputMode,
    int templateVersion) {

  public GenerationProfile {
    Objects.requireNonNull(generator, "generator");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(outputMode, "outputMode");
  }

  /** A profile with only a name, a model and an output mode: a generator without settings. */
  public static GenerationProfile of(String generator, String model, String outputMode) {
    return new GenerationProfile(generator, model, null, null, null, outputMode, 1);
  }

  /** {@code generator sample, model genie-sample-1}: for the lines that say what serves. */
  public String summary() {
    return "generator " + generator + ", model " + model;
  }

  /**
   * Canonical JSON: members in alphabetical order, absent settings left out, no white space, and
   * numbers in their shortest plain form; equal profiles are equal text.
   */
  public String json() {
    StringBuilder out = new StringBuilder(128).append('{');
    member(out, "generator").append(JsonString.quoted(generator));
    if (maxOutputTokens != null) {
      member(out, "maxOutputTokens").append(maxOutputTokens);
    }
    member(out, "model").append(JsonString.quoted(model));
    member(out, "outputMode").append(JsonString.quoted(outputMode));
    if (systemPrompt != null) {
      member(out, "systemPrompt").append(JsonString.quoted(systemPrompt));
    }
    if (temperature != null) {
      member(out, "temperature")
          .append(BigDecimal.valueOf(temperature).stripTrailingZeros().toPlainString());
    }
    member(out, "templateVersion").append(templateVersion);
    return out.append('}').toString();
  }

  /** SHA-256 of {@link #json()}, lower-case hex. */
  public String id() {
    return PromptKey.sha256Hex(json());
  }

  private static StringBuilder member(StringBuilder out, String name) {
    if (out.length() > 1) {
      out.append(',');
    }
    return out.append('"').append(name).append("\":");
  }
}
