package dev.genie.core.generate;

import java.util.Optional;

/**
 * Tokens a model reported for one generation.
 *
 * @param promptTokens tokens read: the prompt and the instructions around it
 * @param completionTokens tokens written: the answer
 */
public record Usage(long promptTokens, long completionTokens) {
  /** Nothing used: a generation that never reached the model, or that it refused at once. */
  public static final Usage NONE = new Usage(0, 0);

  private static final String MEMBER = "\"usage\":{\"promptTokens\":";
  private static final String COMPLETION_MEMBER = ",\"completionTokens\":";

  /** The longest usage member with the envelope's closing braces: where to look for it. */
  private static final int TAIL =
      MEMBER.length()
          + COMPLETION_MEMBER.length()
          + 2 * String.valueOf(Long.MAX_VALUE).length()
          + 3;

  public Usage {
    if (promptTokens < 0 || completionTokens < 0) {
      throw new IllegalArgumentException(
          "token counts must not be negative: " + promptTokens + ", " + completionTokens);
    }
  }

  /**
   * A generous estimate of the tokens {@code text} takes as a prompt: one per 3 UTF-8 bytes, which
   * common tokenizers stay under for prose (about 4 bytes per token in English). What a generation
   * reserves before it starts; it settles to what the model reports.
   */
  public static long estimate(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
    }
    return (bytes + 2) / 3;
  }

  public long total() {
    return promptTokens + completionTokens;
  }

  /**
   * The usage recorded in an envelope that Genie wrote, read without parsing the whole envelope:
   * Genie writes it in one fixed form, last in the metadata, so only the envelope's tail is read
   * (every answer from the cache asks). Empty when it has none.
   */
  public static Optional<Usage> inEnvelope(String envelope) {
    if (envelope == null) {
      return Optional.empty();
    }
    int at = envelope.indexOf(MEMBER, Math.max(0, envelope.length() - TAIL));
    if (at < 0) {
      return Optional.empty();
    }
    int promptStart = at + MEMBER.length();
    int promptEnd = envelope.indexOf(',', promptStart);
    if (promptEnd < 0 || !envelope.startsWith(COMPLETION_MEMBER, promptEnd)) {
      return Optional.empty();
    }
    int completionStart = promptEnd + COMPLETION_MEMBER.length();
    int completionEnd = envelope.indexOf('}', completionStart);
    try {
      return Optional.of(
          new Usage(
              Long.parseLong(envelope, promptStart, promptEnd, 10),
              Long.parseLong(envelope, completionStart, completionEnd, 10)));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      return Optional.empty();
    }
  }
}
