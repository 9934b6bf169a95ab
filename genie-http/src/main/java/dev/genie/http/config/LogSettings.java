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
  /** Read with the system property first, by {@link #directory}. */
  static final Key<String> DIRECTORY = Key.of("GENIE_LOG_DIR", "directory", Parser.TEXT, "./logs");

  /** Also a row of the SQL store's table, whose settings carry the flag to the store. */
  static final Key<Boolean> LOG_SQL = Key.of("GENIE_LOG_SQL", "logSql", Parser.FLAG, "off");

  static final KeyTable<Void> TABLE =
      KeyTable.<Void>of(LogSettings.class).withKeys(DIRECTORY, LOG_SQL);

  private static final String DIRECTORY_KEY = DIRECTORY.name();

  private static final String FIX =
      "set " + DIRECTORY_KEY + " to a directory Genie may create and write files in";

  /**
   * The log directory as given: the system property {@code GENIE_LOG_DIR} wins over the environment
   * variable, both over its default. Also read by the logging configuration, which is set up before
   * the settings are parsed.
   */
  public static String directory(Map<String, String> environment) {
    String directory = System.getProperty(DIRECTORY_KEY, environment.get(DIRECTORY_KEY));
    return directory == null || directory.isBlank()
        ? DIRECTORY.defaultValue().orElseThrow()
        : directory.strip();
  }

  static LogSettings from(Map<String, String> environment, Env env) {
    return new LogSettings(writable(directory(environment)), LOG_SQL.value(env));
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
