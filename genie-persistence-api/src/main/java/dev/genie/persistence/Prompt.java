package dev.genie.persistence;

import java.time.Instant;

/**
 * A stored prompt: one per normalized text and generation profile.
 *
 * @param profileId SHA-256 of {@code profile}
 * @param profile the generation profile in canonical JSON
 * @param namespace whose prompt it is
 */
public record Prompt(
    String id,
    String key,
    String rawText,
    String normalizedText,
    int normalizerVersion,
    Instant createdAt,
    String profileId,
    String profile,
    String namespace) {

  /** A prompt of the default namespace under the {@code sample} generator's profile. */
  public Prompt(
      String id,
      String key,
      String rawText,
      String normalizedText,
      int normalizerVersion,
      Instant createdAt) {
    this(
        id,
        key,
        rawText,
        normalizedText,
        normalizerVersion,
        createdAt,
        PromptKey.SAMPLE_PROFILE_ID,
        PromptKey.SAMPLE_PROFILE_JSON,
        ApiKey.DEFAULT_NAMESPACE);
  }
}
