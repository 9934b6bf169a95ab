package dev.genie.core;

/** The root of every failure Genie reports to its callers, with the code they see. */
public class GenieException extends RuntimeException {
  private final ErrorCode code;

  public GenieException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public GenieException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
