package dev.genie.core;

import dev.genie.persistence.Failure;

/** The generator failed for this prompt; the failure is recorded on its result. */
public class GenerationFailedException extends GenieException {
  private final String promptId;
  private final String resultId;
  private final int attempts;
  private final transient Failure failure;

  public GenerationFailedException(String promptId, String resultId, int attempts, String reason) {
    this(promptId, resultId, attempts, Failure.of(reason));
  }

  public GenerationFailedException(
      String promptId, String resultId, int attempts, Failure failure) {
    super(
        CoreErrorCode.GENERATION_FAILED,
        "generation failed for prompt "
            + promptId
            + " after "
            + attempts
            + (attempts == 1 ? " attempt: " : " attempts: ")
            + failure.message());
    this.promptId = promptId;
    this.resultId = resultId;
    this.attempts = attempts;
    this.failure = failure;
  }

  public String promptId() {
    return promptId;
  }

  public String resultId() {
    return resultId;
  }

  public int attempts() {
    return attempts;
  }

  /** Why, as recorded: Genie's words, and the endpoint's status and wait when it answered one. */
  public Failure failure() {
    return failure;
  }
}
