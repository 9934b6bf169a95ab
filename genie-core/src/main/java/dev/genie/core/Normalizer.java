package dev.genie.core;

import dev.genie.core.generate.GenerationProfile;
import dev.genie.persistence.ApiKey;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.PromptKey;
import java.text.Normalizer.Form;

/**
 * Version 1 of the rules that decide when two prompts are the same prompt: reject controls and
 * broken UTF-16, NFC, drop invisible format characters, collapse white space, keep case.
 */
public final class Normalizer {
  public static final int VERSION = 1;

  private final int maxCodePoints;

  /** The last profile's id and JSON: a generator keeps one profile, and every prompt needs both. */
  private volatile KeyedProfile keyed = new KeyedProfile(null, null, null);

  public Normalizer(int maxCodePoints) {
    if (maxCodePoints < 1) {
      throw new IllegalArgumentException("maxCodePoints must be at least 1: " + maxCodePoints);
    }
    this.maxCodePoints = maxCodePoints;
  }

  /**
   * The prompt to store in the default namespace, keyed over {@code profile} and the normalized
   * text.
   *
   * @throws InvalidPromptException with {@link CoreErrorCode#INVALID_PROMPT} or {@link
   *     CoreErrorCode#PROMPT_TOO_LONG}
   */
  public NewPrompt normalize(String raw, GenerationProfile profile) {
    return normalize(ApiKey.DEFAULT_NAMESPACE, raw, profile);
  }

  /**
   * The prompt to store in {@code namespace}, keyed over it, {@code profile} and the normalized
   * text.
   *
   * @throws InvalidPromptException with {@link CoreErrorCode#INVALID_PROMPT} or {@link
   *     CoreErrorCode#PROMPT_TOO_LONG}
   */
  public NewPrompt normalize(String namespace, String raw, GenerationProfile profile) {
    String text = text(raw);
    KeyedProfile keyed = keyed(profile);
    return new NewPrompt(
        PromptKey.of(namespace, keyed.id(), text),
        raw,
        text,
        VERSION,
        keyed.id(),
        keyed.json(),
        namespace);
  }

  private KeyedProfile keyed(GenerationProfile profile) {
    KeyedProfile last = keyed;
    if (!profile.equals(last.profile())) {
      last = new KeyedProfile(profile, profile.id(), profile.json());
      keyed = last;
    }
    return last;
  }

  private record KeyedProfile(GenerationProfile profile, String id, String json) {}

  private String text(String raw) {
    if (raw == null) {
      throw invalid("prompt must be a JSON string");
    }
    rejectControlsAndBrokenSurrogates(raw);
    // Dropping the invisibles before NFC rather than after gives the same text, and leaves it in
    // NFC even where one stood between a letter and its combining mark: normalizing is idempotent.
    String composed = java.text.Normalizer.normalize(withoutInvisibles(raw), Form.NFC);
    String text = collapseWhiteSpace(composed);
    if (text.isEmpty()) {
      throw invalid("prompt is empty after normalization");
    }
    int length = text.codePointCount(0, text.length());
    if (length > maxCodePoints) {
      throw new InvalidPromptException(
          CoreErrorCode.PROMPT_TOO_LONG,
          "prompt has "
              + length
              + " characters after normalization; the limit is "
              + maxCodePoints
              + " (OrchestratorSettings.maxPromptChars)");
    }
    return text;
  }

  private static void rejectControlsAndBrokenSurrogates(String raw) {
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < raw.length() && Character.isLowSurrogate(raw.charAt(i + 1))) {
          i++;
          continue;
        }
        throw invalid("prompt contains an unpaired surrogate at index " + i);
      }
      if (Character.isLowSurrogate(c)) {
        throw invalid("prompt contains an unpaired surrogate at index " + i);
      }
      if (isForbiddenControl(c)) {
        throw invalid(
            String.format("prompt contains the control character U+%04X at index %d", (int) c, i));
      }
    }
  }

  /** C0 and C1 controls and DEL, except tab, line feed and carriage return. */
  private static boolean isForbiddenControl(char c) {
    if (c == '\t' || c == '\n' || c == '\r') {
      return false;
    }
    return c < 0x20 || (c >= 0x7F && c <= 0x9F);
  }

  private static String withoutInvisibles(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (isInvisible(c)) {
        if (out == null) {
          out = new StringBuilder(text.length()).append(text, 0, i);
        }
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  private static String collapseWhiteSpace(String text) {
    StringBuilder out = new StringBuilder(text.length());
    boolean pendingSpace = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (isWhiteSpace(c)) {
        pendingSpace = out.length() > 0;
        continue;
      }
      if (pendingSpace) {
        out.append(' ');
        pendingSpace = false;
      }
      out.append(c);
    }
    return out.toString();
  }

  /** Zero width space, word joiner and byte order mark: invisible, no meaning in prose. */
  private static boolean isInvisible(char c) {
    return c == '\u200B' || c == '\u2060' || c == '\uFEFF';
  }

  /** Unicode's White_Space property; every such character is in the BMP. */
  static boolean isWhiteSpace(char c) {
    return (c >= '\t' && c <= '\r')
        || c == ' '
        || c == '\u0085'
        || c == '\u00A0'
        || c == '\u1680'
        || (c >= '\u2000' && c <= '\u200A')
        || c == '\u2028'
        || c == '\u2029'
        || c == '\u202F'
        || c == '\u205F'
        || c == '\u3000';
  }

  private static InvalidPromptException invalid(String message) {
    return new InvalidPromptException(CoreErrorCode.INVALID_PROMPT, message);
  }
}
