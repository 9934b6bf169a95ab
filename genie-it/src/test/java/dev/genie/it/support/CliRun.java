package dev.genie.it.support;

import dev.genie.http.cli.GenieCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What the jar's command line did, run in this JVM as {@code java -jar genie.jar ARGS} would run it
 * with {@code environment}: its exit status and what it printed.
 */
public record CliRun(int status, String out, String err) {
  public static CliRun of(Map<String, String> environment, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        new GenieCli(
                environment,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                server -> {})
            .execute(args);
    return new CliRun(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The last line of standard output: where {@code keys create} prints the key. */
  public String lastLine() {
    List<String> lines = out.lines().toList();
    return lines.get(lines.size() - 1);
  }
}
