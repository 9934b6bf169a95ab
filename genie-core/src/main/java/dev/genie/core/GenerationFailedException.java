package dev.genie.core;

/** The generator failed for this prompt; the failure is recorded on its result. */
public class GenerationFailedException extends GenieException {
  private final String promptId;
  private final String resultId;
  private final int attempts;

  public GenerationFailedException(String promptId, String resultId, int attempts, String reason) {
    super(
        CoreErrorCode.GENERATION_FAILED,
        "generation failed for prompt "
            + promptId
            + " after "
            + attempts
            + (attempts == 1 ? " attempt: " : " attempts: ")
            + reason);
    this.promptId = promptId;
    this.resultId = resultId;
    this.attempts = attempts;
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
}
