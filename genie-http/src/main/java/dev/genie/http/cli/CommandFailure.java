package dev.genie.http.cli;

/**
 * A command could not do what it was asked, for a reason its user can fix (a key's name taken, no
 * key of that name): not the startup check's banner, since nothing failed to start.
 */
final class CommandFailure extends RuntimeException {
  /** The status such a command exits with. */
  static final int EXIT_STATUS = 1;

  private final String fix;

  CommandFailure(String reason, String fix) {
    super(reason);
    this.fix = fix;
  }

  /** The text for stderr: what failed, and how to fix it. */
  String text(String command) {
    return command + ": " + getMessage() + "\n  fix: " + fix + "\n";
  }
}
