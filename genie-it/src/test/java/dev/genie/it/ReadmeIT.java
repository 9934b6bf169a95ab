package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.it.support.GuideExample;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.PostgresServer;
import dev.genie.it.support.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's shell blocks, run by bash as a user pastes them, from a directory that holds the jar
 * where the README says it is. Only what names this machine changes: the database URL becomes a
 * fresh test database, and port 8080 a free one (GENIE_PORT).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReadmeIT {
  private static final String README = "README.md";
  private static final String README_URL = "postgres://postgres@127.0.0.1:5432/genie";

  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  @TempDir Path workDir;

  @Test
  void theCommandsBlockRunsAsWritten(PostgresServer postgres) throws Exception {
    TestDatabase database = postgres.freshDatabase();
    String block =
        GuideExample.block(
            README,
            "**Commands.** The jar's command line reads the same environment; `serve` is the"
                + " default:",
            "bash");

    ShellRun run = run(block, database);

    assertThat(run.status()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("Usage: java -jar genie.jar")
        .contains("Genie migrate: the schema of database " + database.name())
        .contains("Genie check passed");
  }

  @Test
  void theKeysBlockServesWithItsKeyAndRunsAgain(PostgresServer postgres) throws Exception {
    TestDatabase database = postgres.freshDatabase();
    String block = GuideExample.block(README, "## Keys and namespaces", "bash");

    ShellRun first = run(block, database);
    ShellRun again = run(block, database);

    assertThat(first.status()).as(first.output()).isZero();
    assertThat(first.output()).contains("HTTP/1.1 201 Created").contains("Genie-Storage: sql");
    assertThat(again.status()).as(again.output()).isZero();
    assertThat(again.output())
        .as("the same key from the file, the same prompt")
        .contains("HTTP/1.1 200 OK")
        .doesNotContain("GENIE STARTUP CHECK FAILED");
    assertThat(database.number("SELECT count(*) FROM genie_api_keys")).isEqualTo(1);
    assertThat(database.number("SELECT count(*) FROM genie_prompts WHERE namespace = 'team-a'"))
        .isEqualTo(1);
    assertThat(first.output() + again.output()).contains("Genie stopped");
  }

  /** What a block printed (standard output and error together) and its exit status. */
  private record ShellRun(int status, String output) {}

  private ShellRun run(String block, TestDatabase database) throws Exception {
    assertThat(block).as("the block names the README's database").contains(README_URL);
    int port = GenieProcess.freePort();
    String script =
        block
            .replace(README_URL, database.databaseUrl())
            .replace("127.0.0.1:8080", "127.0.0.1:" + port);
    Path jar = workDir.resolve("genie-http/target/genie.jar");
    if (!Files.exists(jar)) {
      Files.createDirectories(jar.getParent());
      Files.createSymbolicLink(jar, GenieProcess.jar().toAbsolutePath());
    }
    Path output = Files.createTempFile(workDir, "block", ".log");
    ProcessBuilder bash =
        new ProcessBuilder("bash", "-e", "-c", script)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    bash.environment().keySet().removeIf(key -> key.startsWith("GENIE_") || key.equals("PORT"));
    bash.environment().remove("DATABASE_URL");
    bash.environment().putAll(Map.of("GENIE_PORT", Integer.toString(port)));
    Process process = bash.start();
    boolean ended = process.waitFor(120, TimeUnit.SECONDS);
    process.destroyForcibly();
    List<ProcessHandle> left = leftIn(workDir);
    left.forEach(ProcessHandle::destroyForcibly);
    String printed = Files.readString(output, StandardCharsets.UTF_8);
    assertThat(ended).as("the block ended within 120 s:\n" + printed).isTrue();
    assertThat(left).as("processes the block left running:\n" + printed).isEmpty();
    return new ShellRun(process.exitValue(), printed);
  }

  /** Processes still running in {@code directory}, such as a server the block did not stop. */
  private static List<ProcessHandle> leftIn(Path directory) {
    return ProcessHandle.allProcesses()
        .filter(
            process -> {
              try {
                Path cwd = Path.of("/proc", Long.toString(process.pid()), "cwd");
                return Files.readSymbolicLink(cwd).startsWith(directory);
              } catch (IOException | UnsupportedOperationException | SecurityException e) {
                return false; // gone, or not ours to read
              }
            })
        .toList();
  }
}
