package dev.genie.core;

import dev.genie.persistence.NewPrompt;

/**
 * A prompt after {@link Normalizer}: the text that identifies it and the key derived from it.
 *
 * @param raw the text exactly as the caller sent it
 * @param text the normalized text
 * @param key SHA-256 of {@code text}'s UTF-8 bytes, lower-case hex
 * @param version the version of the normalization rules
 */
public record NormalizedPrompt(String raw, String text, String key, int version) {
  public NewPrompt toNewPrompt() {
    return new NewPrompt(key, text, raw, version);
  }
}
