package dev.genie.core.generate;

import java.util.Optional;

/**
 * Tokens a model reported for one generation.
 *
 * @param promptTokens tokens read: the prompt and the instructions around it
 * @param completionTokens tokens written: the answer
 */
public record Usage(long promptTokens, long completionTokens) {
  private static final String MEMBER = "\"usage\":{\"promptTokens\":";

  public Usage {
    if (promptTokens < 0 || completionTokens < 0) {
      throw new IllegalArgumentException(
          "token counts must not be negative: " + promptTokens + ", " + completionTokens);
    }
  }

  public long total() {
    return promptTokens + completionTokens;
  }

  /**
   * The usage recorded in an envelope that Genie wrote, read without parsing the whole envelope:
   * Genie writes it in one fixed form, last in the metadata. Empty when it has none.
   */
  public static Optional<Usage> inEnvelope(String envelope) {
    if (envelope == null) {
      return Optional.empty();
    }
    int at = envelope.lastIndexOf(MEMBER);
    if (at < 0) {
      return Optional.empty();
    }
    int promptStart = at + MEMBER.length();
    int promptEnd = envelope.indexOf(',', promptStart);
    String completionMember = ",\"completionTokens\":";
    if (promptEnd < 0 || !envelope.startsWith(completionMember, promptEnd)) {
      return Optional.empty();
    }
    int completionStart = promptEnd + completionMember.length();
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
