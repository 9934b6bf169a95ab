package dev.genie.http.config;

import java.nio.file.Path;

/**
 * Where logs go.
 *
 * @param directory the log directory ({@code GENIE_LOG_DIR})
 * @param logSql whether every SQL statement is logged with its timing ({@code GENIE_LOG_SQL})
 */
public record LogSettings(Path directory, boolean logSql) {
  /** Also read by the logging configuration, which is set up before this record is parsed. */
  public static final String DIRECTORY_KEY = "GENIE_LOG_DIR";

  public static final String DEFAULT_DIRECTORY = "./logs";

  /** Also read for the SQL store's settings, which carry the flag to the store. */
  static final String LOG_SQL_KEY = "GENIE_LOG_SQL";

  static LogSettings from(Env env) {
    return new LogSettings(
        Path.of(env.string(DIRECTORY_KEY, DEFAULT_DIRECTORY)), env.flag(LOG_SQL_KEY));
  }
}
