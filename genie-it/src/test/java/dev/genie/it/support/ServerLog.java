package dev.genie.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The log of the in-process servers during the running test ({@link LogPerTest}), read back to tell
 * why a request failed: each failure is logged under its request id.
 */
public final class ServerLog {
  private ServerLog() {}

  /** The running test's server log. */
  public static Path path() {
    return LogPerTest.current().resolve("server.log");
  }

  /** Where every test's logs are kept, one directory per test class and test. */
  public static Path directory() {
    return LogPerTest.DIRECTORY;
  }

  /** Every line the running test's servers logged so far. */
  public static List<String> lines() throws IOException {
    Path log = path();
    return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
  }

  /**
   * Counts the failed requests of {@code history} by cause: the first line naming a request's id is
   * handed to {@code classify}.
   */
  public static Map<String, Integer> causes(History history, Function<String, String> classify)
      throws IOException {
    List<String> lines = lines();
    Map<String, Integer> causes = new TreeMap<>();
    for (Exchange exchange : history.exchanges()) {
      if (exchange.isSuccess() || exchange.requestId() == null) {
        continue;
      }
      String line =
          lines.stream()
              .filter(l -> l.contains("request " + exchange.requestId()))
              .findFirst()
              .orElse("");
      causes.merge(classify.apply(line), 1, Integer::sum);
    }
    return causes;
  }
}
