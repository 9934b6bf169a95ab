package dev.genie.persistence;

import java.util.Objects;

/**
 * A prompt as a caller sent it, after normalization.
 *
 * @param key SHA-256 of the normalized text's UTF-8 bytes, lower-case hex
 * @param normalizedText the text that identifies the prompt
 * @param rawText the text exactly as the first caller sent it
 * @param normalizerVersion the version of the rules that produced {@code normalizedText}
 */
public record NewPrompt(String key, String normalizedText, String rawText, int normalizerVersion) {
  public NewPrompt {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(normalizedText, "normalizedText");
    Objects.requireNonNull(rawText, "rawText");
  }
}
