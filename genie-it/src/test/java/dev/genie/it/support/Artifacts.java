package dev.genie.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Keeps the evidence of a failed test. A test registers files (server and SQL logs) and writers
 * (history, row dump); when it fails they are copied or written to {@code
 * <genie.it.artifacts>/<TestClass>/<testMethod>/}, and the place is printed. A passing test leaves
 * nothing. Registered summaries are printed after every test, passed or not.
 *
 * <p>Register it on an instance field, {@code @RegisterExtension final Artifacts artifacts = new
 * Artifacts();}, or take it as a parameter under {@code @ExtendWith(Artifacts.class)}.
 */
public final class Artifacts implements TestWatcher, ParameterResolver {
  /** Writes one artifact to the file it is given. */
  @FunctionalInterface
  public interface Writer {
    void writeTo(Path file) throws Exception;
  }

  private final Map<String, Writer> writers = new LinkedHashMap<>();
  private final Map<String, Supplier<String>> summaries = new LinkedHashMap<>();

  /** Copies this file on failure, under its own name; a missing file is noted, not fatal. */
  public synchronized Artifacts file(Path file) {
    return file(file.getFileName().toString(), file);
  }

  /** Copies this file on failure, as {@code name}. */
  public synchronized Artifacts file(String name, Path file) {
    writers.put(
        name,
        target -> {
          if (Files.isDirectory(file)) {
            copyTree(file, target);
          } else {
            Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
          }
        });
    return this;
  }

  /** Copies the in-process servers' log and SQL statement log of the test on failure. */
  public Artifacts serverLogs() {
    return file(ServerLog.path()).file(sqlLog());
  }

  /** The in-process servers' SQL statement log of the running test ({@link LogPerTest}). */
  public static Path sqlLog() {
    return LogPerTest.current().resolve("sql.log");
  }

  /**
   * Runs the writer on failure, into a file named {@code name}; e.g. {@code history::writeJson}.
   */
  public synchronized Artifacts writer(String name, Writer writer) {
    writers.put(name, writer);
    return this;
  }

  /** A line printed after the test whatever its outcome, e.g. {@code history::summary}. */
  public synchronized Artifacts summary(String label, Supplier<String> summary) {
    summaries.put(label, summary);
    return this;
  }

  /**
   * Keeps what a load test needs on failure: its history, and the logs of the in-process servers
   * ({@link #serverLogs}); prints the history's summary after the test.
   */
  public Artifacts record(History history) {
    return writer("history.json", history::writeJson)
        .serverLogs()
        .summary("history", history::summary);
  }

  /** {@code -Dgenie.it.artifacts}, else {@code target/test-artifacts}. */
  public static Path baseDirectory() {
    return Paths.get(System.getProperty("genie.it.artifacts", "target/test-artifacts"));
  }

  @Override
  public void testSuccessful(ExtensionContext context) {
    finish(context, null);
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    finish(context, cause);
  }

  @Override
  public void testAborted(ExtensionContext context, Throwable cause) {
    finish(context, null);
  }

  @Override
  public void testDisabled(ExtensionContext context, Optional<String> reason) {
    clear();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Artifacts.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return this;
  }

  private void finish(ExtensionContext context, Throwable failure) {
    Map<String, Writer> toWrite;
    Map<String, Supplier<String>> toPrint;
    synchronized (this) {
      toWrite = new LinkedHashMap<>(writers);
      toPrint = new LinkedHashMap<>(summaries);
    }
    clear();
    String test = context.getRequiredTestClass().getSimpleName() + "." + methodName(context);
    toPrint.forEach(
        (label, summary) ->
            System.out.println("[genie-it] " + test + " " + label + ": " + safely(summary)));
    if (failure != null) {
      write(context, test, toWrite);
    }
  }

  private void write(ExtensionContext context, String test, Map<String, Writer> toWrite) {
    Path directory =
        baseDirectory()
            .resolve(context.getRequiredTestClass().getSimpleName())
            .resolve(methodName(context))
            .toAbsolutePath();
    List<String> problems = new ArrayList<>();
    try {
      deleteTree(directory);
      Files.createDirectories(directory);
    } catch (IOException e) {
      System.err.println("[genie-it] " + test + " failed; cannot create " + directory + ": " + e);
      return;
    }
    for (Map.Entry<String, Writer> entry : toWrite.entrySet()) {
      try {
        entry.getValue().writeTo(directory.resolve(entry.getKey()));
      } catch (Exception e) {
        problems.add(entry.getKey() + ": " + e);
      }
    }
    if (!problems.isEmpty()) {
      try {
        Files.write(directory.resolve("artifact-problems.txt"), problems);
      } catch (IOException e) {
        problems.add("artifact-problems.txt: " + e);
      }
    }
    System.err.println(
        "[genie-it] "
            + test
            + " failed; "
            + (toWrite.size() - problems.size())
            + " artifacts in "
            + directory
            + (problems.isEmpty() ? "" : "; not written: " + problems));
  }

  private synchronized void clear() {
    writers.clear();
    summaries.clear();
  }

  /** The method name, with the invocation index of a repeated or parameterized test. */
  private static String methodName(ExtensionContext context) {
    String name = context.getTestMethod().map(m -> m.getName()).orElse(context.getDisplayName());
    String uniqueId = context.getUniqueId();
    int invocation = uniqueId.lastIndexOf("-invocation:#");
    if (invocation >= 0) {
      name += "-" + uniqueId.substring(invocation + "-invocation:#".length()).replace("]", "");
    }
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static String safely(Supplier<String> summary) {
    try {
      return summary.get();
    } catch (RuntimeException e) {
      return "(no summary: " + e + ")";
    }
  }

  private static void copyTree(Path source, Path target) throws IOException {
    try (Stream<Path> paths = Files.walk(source)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Path destination = target.resolve(source.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(destination);
        } else {
          Files.copy(path, destination, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** Deletes a directory and everything in it; nothing when it does not exist. */
  public static void deleteTree(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(path);
      }
    }
  }
}
