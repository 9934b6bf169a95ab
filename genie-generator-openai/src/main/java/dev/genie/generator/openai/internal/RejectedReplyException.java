package dev.genie.generator.openai.internal;

/**
 * The endpoint answered, but not with pages Genie can store: cut off, refused, empty or not the
 * asked-for shape. A failed attempt, never a completed result.
 */
public final class RejectedReplyException extends Exception {
  public RejectedReplyException(String message) {
    super(message);
  }
}
