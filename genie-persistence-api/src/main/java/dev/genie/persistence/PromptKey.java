package dev.genie.persistence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The prompt key: SHA-256 over the generation profile's id and the normalized text, so that the
 * same text under another profile (another model, temperature or system prompt) is another prompt.
 * The stores and the schema migration compute the same, and a test holds them to it.
 */
public final class PromptKey {

  /**
   * The profile of the {@code sample} generator, which wrote every prompt stored before the key
   * covered a profile: an upgrade recomputes their keys under it, in canonical JSON.
   */
  public static final String SAMPLE_PROFILE_JSON =
      "{\"generator\":\"sample\",\"model\":\"genie-sample-1\",\"outputMode\":\"pages\","
          + "\"templateVersion\":1}";

  /** {@link #sha256Hex} of {@link #SAMPLE_PROFILE_JSON}. */
  public static final String SAMPLE_PROFILE_ID = sha256Hex(SAMPLE_PROFILE_JSON);

  private PromptKey() {}

  /** Lower-case hex SHA-256 of {@code profileId}, a line feed, and {@code normalizedText}. */
  public static String of(String profileId, String normalizedText) {
    return sha256Hex(profileId + "\n" + normalizedText);
  }

  /**
   * The key in {@code namespace}. The default namespace keeps {@link #of(String, String)}, so that
   * the keys stored before namespaces existed stay valid; any other is hashed with a prefix that a
   * profile id (64 hex digits) never starts with, so no key of one namespace equals another's.
   */
  public static String of(String namespace, String profileId, String normalizedText) {
    if (ApiKey.DEFAULT_NAMESPACE.equals(namespace)) {
      return of(profileId, normalizedText);
    }
    return sha256Hex("namespace:" + namespace + "\n" + profileId + "\n" + normalizedText);
  }

  /** Lower-case hex SHA-256 of the text's UTF-8 bytes. */
  public static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256; this is a bug", e);
    }
  }
}
