package dev.genie.core;

import dev.genie.core.generate.GenerationProfile;
import dev.genie.persistence.ApiKey;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.PromptKey;

/**
 * A prompt after {@link Normalizer}: the text that identifies it and the key derived from it.
 *
 * @param raw the text exactly as the caller sent it
 * @param text the normalized text
 * @param key SHA-256 of {@code text}'s UTF-8 bytes, lower-case hex: the text's own hash; the store
 *     keys the prompt over the profile too ({@link #toNewPrompt})
 * @param version the version of the normalization rules
 */
public record NormalizedPrompt(String raw, String text, String key, int version) {
  /** The prompt to store, keyed over {@code profile} and the text. */
  public NewPrompt toNewPrompt(GenerationProfile profile) {
    return toNewPrompt(profile.id(), profile.json());
  }

  /**
   * @param profileId the profile's {@link GenerationProfile#id()}
   * @param profile the profile's {@link GenerationProfile#json()}
   */
  public NewPrompt toNewPrompt(String profileId, String profile) {
    return toNewPrompt(ApiKey.DEFAULT_NAMESPACE, profileId, profile);
  }

  /** The prompt to store in {@code namespace}, keyed over it, the profile and the text. */
  public NewPrompt toNewPrompt(String namespace, String profileId, String profile) {
    return new NewPrompt(
        PromptKey.of(namespace, profileId, text),
        text,
        raw,
        version,
        profileId,
        profile,
        namespace);
  }
}
