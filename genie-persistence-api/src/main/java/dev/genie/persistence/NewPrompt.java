package dev.genie.persistence;

import java.time.Instant;
import java.util.Objects;

/**
 * A prompt as a caller sent it, after normalization, under the generation profile that is to answer
 * it. Its texts come in the order {@link Prompt}'s do: raw, then normalized.
 *
 * @param key {@link PromptKey#of} the profile's id and the normalized text
 * @param rawText the text exactly as the first caller sent it
 * @param normalizedText the text that identifies the prompt
 * @param normalizerVersion the version of the rules that produced {@code normalizedText}
 * @param profileId SHA-256 of {@code profile}
 * @param profile the generation profile in canonical JSON
 * @param namespace whose prompt it is
 */
public record NewPrompt(
    String key,
    String rawText,
    String normalizedText,
    int normalizerVersion,
    String profileId,
    String profile,
    String namespace) {
  public NewPrompt {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(rawText, "rawText");
    Objects.requireNonNull(normalizedText, "normalizedText");
    Objects.requireNonNull(profileId, "profileId");
    Objects.requireNonNull(profile, "profile");
  }

  /** A prompt of the default namespace. */
  public NewPrompt(
      String key,
      String rawText,
      String normalizedText,
      int normalizerVersion,
      String profileId,
      String profile) {
    this(
        key,
        rawText,
        normalizedText,
        normalizerVersion,
        profileId,
        profile,
        ApiKey.DEFAULT_NAMESPACE);
  }

  /** A prompt under the {@code sample} generator's profile. */
  public NewPrompt(String key, String rawText, String normalizedText, int normalizerVersion) {
    this(
        key,
        rawText,
        normalizedText,
        normalizerVersion,
        PromptKey.SAMPLE_PROFILE_ID,
        PromptKey.SAMPLE_PROFILE_JSON);
  }

  /** This prompt as a store keeps it, under {@code id}, created at {@code createdAt}. */
  public Prompt stored(String id, Instant createdAt) {
    return new Prompt(
        id,
        key,
        rawText,
        normalizedText,
        normalizerVersion,
        createdAt,
        profileId,
        profile,
        namespace);
  }
}
