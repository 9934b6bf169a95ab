package dev.genie.core;

/** The prompt breaks a rule of normalization; nothing was stored. */
public class InvalidPromptException extends GenieException {
  public InvalidPromptException(ErrorCode code, String message) {
    super(code, message);
  }
}
