package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.it.support.GenieClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/genie}'s class-data archive: written by the first run that serves, never by a command
 * that only prints or checks, whose archive would hold too few classes for every later start.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LauncherIT {
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir Path workDir;

  @Test
  void onlyARunThatServesWritesTheArchiveAndLaterRunsKeepIt() throws Exception {
    Path jar = Files.copy(GenieProcess.jar(), workDir.resolve("genie.jar"));
    Path archive = workDir.resolve("genie.jsa");
    Map<String, String> env =
        Map.of("GENIE_PORT", "0", "GENIE_DATA_DIR", workDir.resolve("data").toString());

    for (String[] args : new String[][] {{"--help"}, {"check"}}) {
      try (GenieProcess genie = GenieProcess.startScript(jar, workDir, env, args)) {
        assertThat(genie.awaitExit(PATIENCE)).as(genie.stderr()).isZero();
      }
      assertThat(archive).as("after bin/genie " + String.join(" ", args)).doesNotExist();
    }

    try (GenieProcess genie = GenieProcess.startScript(jar, workDir, env)) {
      GenieClient client = new GenieClient(URI.create(genie.awaitServing(PATIENCE)), PATIENCE);
      assertThat(client.post("a prompt for the archive").status()).isEqualTo(201);
      genie.terminate();
      assertThat(genie.awaitExit(PATIENCE)).as(genie.stderr()).isZero();
    }
    assertThat(archive).as("after bin/genie served").isNotEmptyFile();
    FileTime written = Files.getLastModifiedTime(archive);

    try (GenieProcess genie = GenieProcess.startScript(jar, workDir, env, "--help")) {
      assertThat(genie.awaitExit(PATIENCE)).as(genie.stderr()).isZero();
    }
    assertThat(Files.getLastModifiedTime(archive)).as("the archive is kept").isEqualTo(written);
  }
}
