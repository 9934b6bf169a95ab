package dev.genie.http.config;

import dev.genie.http.StartupCheckException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where logs go.
 *
 * @param directory the log directory ({@code GENIE_LOG_DIR}), created and found writable
 * @param logSql whether every SQL statement is logged with its timing ({@code GENIE_LOG_SQL})
 */
public record LogSettings(Path directory, boolean logSql) {
  private static final String DIRECTORY_KEY = "GENIE_LOG_DIR";
  private static final String DEFAULT_DIRECTORY = "./logs";

  /** Also read for the SQL store's settings, which carry the flag to the store. */
  static final String LOG_SQL_KEY = "GENIE_LOG_SQL";

  private static final String FIX =
      "set " + DIRECTORY_KEY + " to a directory Genie may create and write files in";

  /**
   * The log directory as given: the system property {@value #DIRECTORY_KEY} wins over the
   * environment variable, both over {@value #DEFAULT_DIRECTORY}. Also read by the logging
   * configuration, which is set up before the settings are parsed.
   */
  public static String directory(Map<String, String> environment) {
    String directory = System.getProperty(DIRECTORY_KEY, environment.get(DIRECTORY_KEY));
    return directory == null || directory.isBlank() ? DEFAULT_DIRECTORY : directory.strip();
  }

  static LogSettings from(Map<String, String> environment, Env env) {
    return new LogSettings(writable(directory(environment)), env.flag(LOG_SQL_KEY));
  }

  /** Creates the directory when missing and writes a file in it, as the log files will be. */
  private static Path writable(String directory) {
    Path path;
    try {
      path = Path.of(directory);
    } catch (InvalidPathException e) {
      throw Env.invalid(DIRECTORY_KEY, directory, "a directory path");
    }
    try {
      Files.createDirectories(path);
      Files.delete(Files.createTempFile(path, ".genie-", ".probe"));
    } catch (IOException | SecurityException e) {
      throw new StartupCheckException(
          DIRECTORY_KEY + " is '" + directory + "', where Genie cannot write its logs: " + e, FIX);
    }
    return path;
  }
}
