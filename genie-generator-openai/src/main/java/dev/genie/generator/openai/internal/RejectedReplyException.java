package dev.genie.generator.openai.internal;

import dev.genie.core.generate.Usage;

/**
 * The endpoint answered, but not with pages Genie can store: cut off, refused, empty or not the
 * asked-for shape. A failed attempt, never a completed result; charged for the tokens the reply
 * reported.
 */
public final class RejectedReplyException extends Exception {
  private final transient Usage used;

  public RejectedReplyException(String message) {
    this(message, null);
  }

  /**
   * @param used the tokens the reply reported, or null
   */
  public RejectedReplyException(String message, Usage used) {
    super(message);
    this.used = used;
  }

  /** This rejection with the tokens the reply reported. */
  public RejectedReplyException using(Usage used) {
    return new RejectedReplyException(getMessage(), used);
  }

  /** The tokens the reply reported, or null. */
  public Usage used() {
    return used;
  }
}
