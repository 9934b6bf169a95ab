package dev.genie.http;

import dev.genie.http.config.SettingNames;

/**
 * Genie cannot start as configured. {@code main} prints {@link #banner()} and exits with {@value
 * #EXIT_STATUS} before binding its port; embedded starts get this exception.
 */
public class StartupCheckException extends RuntimeException {
  /** EX_CONFIG from sysexits.h: a configuration error. */
  public static final int EXIT_STATUS = 78;

  public static final String HEADLINE = "GENIE STARTUP CHECK FAILED";

  private final String reason;
  private final String fix;

  public StartupCheckException(String reason, String fix) {
    this(reason, fix, null);
  }

  /**
   * @param reason what is wrong; settings of the libraries named in it are shown as the environment
   *     keys that set them ({@link SettingNames})
   * @param fix the setting or action that fixes it, likewise
   */
  public StartupCheckException(String reason, String fix, Throwable cause) {
    super(
        HEADLINE + ": " + SettingNames.toKeys(reason) + ". Fix: " + SettingNames.toKeys(fix),
        cause);
    this.reason = SettingNames.toKeys(reason);
    this.fix = SettingNames.toKeys(fix);
  }

  /** What is wrong. */
  public String reason() {
    return reason;
  }

  /** The setting or action that fixes it. */
  public String fix() {
    return fix;
  }

  /** The text for stderr; its first line is {@value #HEADLINE}. */
  public String banner() {
    String rule = "=".repeat(72);
    return HEADLINE
        + "\n"
        + rule
        + "\n  cause: "
        + reason
        + "\n  fix:   "
        + fix
        + "\n  Genie did not start and did not bind its port (exit status "
        + EXIT_STATUS
        + ").\n"
        + rule
        + "\n";
  }
}
