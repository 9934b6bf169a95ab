package dev.genie.core.generate;

/**
 * Tokens a model reported for one generation.
 *
 * @param promptTokens tokens read: the prompt and the instructions around it
 * @param completionTokens tokens written: the answer
 */
public record Usage(long promptTokens, long completionTokens) {
  /** Nothing used: a generation that never reached the model, or that it refused at once. */
  public static final Usage NONE = new Usage(0, 0);

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
}
