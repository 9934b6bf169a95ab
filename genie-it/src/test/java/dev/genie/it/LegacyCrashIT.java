package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.it.support.Acknowledged;
import dev.genie.it.support.Artifacts;
import dev.genie.it.support.Exchange;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.History;
import dev.genie.it.support.Load;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The legacy store under crashes, with the packaged jar: every acknowledged prompt survives {@code
 * kill -9} mid-load, also with a torn frame at the end of the write-ahead log the kill left, and a
 * second process on the same data directory is refused with the startup banner instead of sharing
 * it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LegacyCrashIT {
  @RegisterExtension final Artifacts artifacts = new Artifacts();

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  /** SQLite's write-ahead log beside the database, which a kill -9 leaves uncheckpointed. */
  private static final String WAL = "genie.db-wal";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path workDir;

  private final History history = new History();

  @Test
  void everyAcknowledgedPromptSurvivesKill9AndATornWalFrame() throws Exception {
    Path dataDir = workDir.resolve("data");
    artifacts
        .writer("history.json", history::writeJson)
        .file("genie", workDir)
        .summary("history", history::summary);

    try (GenieProcess genie = GenieProcess.start(dir("crashed"), env(dataDir));
        Load load =
            Load.start(history, client(genie.awaitServing(PATIENCE)), 4, "kill -9 under load")) {
      load.awaitSuccesses(200, PATIENCE);
      genie.kill(); // mid-load: requests are in flight
      load.stop(PATIENCE);
    }
    List<Exchange> sent = history.exchanges();
    // In flight at the kill, or sent after it before the load stopped: a client cannot tell.
    long unanswered = sent.stream().filter(e -> e.httpStatus() == -1).count();

    // A write cut short by the kill: a frame header with no page after it.
    long tornBytes = appendTornFrame(dataDir.resolve(WAL));

    Set<String> afterKill;
    try (GenieProcess genie = GenieProcess.start(dir("restarted"), env(dataDir))) {
      afterKill = found(client(genie.awaitServing(PATIENCE)), sent);
      genie.terminate();
      assertThat(genie.awaitExit(PATIENCE)).isZero();
    }
    Acknowledged survived = Acknowledged.check(sent, afterKill);

    Set<String> afterSecondStart;
    try (GenieProcess genie = GenieProcess.start(dir("again"), env(dataDir))) {
      afterSecondStart = found(client(genie.awaitServing(PATIENCE)), sent);
      genie.terminate();
      genie.awaitExit(PATIENCE);
    }
    Acknowledged survivedAgain = Acknowledged.check(sent, afterSecondStart);

    artifacts.summary(
        "figures",
        () ->
            sent.size()
                + " requests, "
                + unanswered
                + " unanswered (in flight at kill -9 or sent after it); after a torn frame of "
                + tornBytes
                + " bytes and the restart: "
                + survived
                + "; after a clean stop and another start: "
                + survivedAgain);
    assertThat(unanswered).as("requests the kill left unanswered: it came mid-load").isPositive();
    assertThat(survived.acknowledged()).hasSizeGreaterThanOrEqualTo(200);
    assertThat(survived.missing()).isEmpty();
    assertThat(survivedAgain.missing()).isEmpty();
  }

  @Test
  void aSecondProcessOnTheSameDirectoryIsRefusedLoudly() throws Exception {
    Path dataDir = workDir.resolve("data");
    artifacts.file("genie", workDir);

    try (GenieProcess first = GenieProcess.start(dir("first"), env(dataDir))) {
      GenieClient client = client(first.awaitServing(PATIENCE));
      GenieResponse before = client.post("written by the first process");
      int secondStatus;
      String banner;
      try (GenieProcess second = GenieProcess.start(dir("second"), env(dataDir))) {
        secondStatus = second.awaitExit(PATIENCE);
        banner = second.stderr();
      }
      GenieResponse after = client.post("written by the first process");
      GenieResponse another = client.post("still served by the first process");

      artifacts.summary(
          "figures",
          () ->
              "second process exit "
                  + secondStatus
                  + " with "
                  + banner.lines().filter(l -> l.contains("cause:")).findFirst().orElse("no cause")
                  + "; first process meanwhile "
                  + before.status()
                  + ", "
                  + after.status()
                  + ", "
                  + another.status());
      assertThat(secondStatus).isEqualTo(78);
      assertThat(banner)
          .startsWith("GENIE STARTUP CHECK FAILED")
          .contains("in use by another Genie process")
          .contains("GENIE_DATA_DIR");
      assertThat(before.status()).isEqualTo(201);
      assertThat(after.status()).isEqualTo(200);
      assertThat(after.text("promptId")).isEqualTo(before.text("promptId"));
      assertThat(another.status()).isEqualTo(201);
      first.terminate();
      assertThat(first.awaitExit(PATIENCE)).isZero();
    }
  }

  /** Every prompt id the store serves among those the history was answered with. */
  private static Set<String> found(GenieClient client, List<Exchange> sent) throws Exception {
    Set<String> found = new HashSet<>();
    for (Exchange e : sent) {
      if (e.promptId() == null) {
        continue;
      }
      GenieResponse read = client.get("/prompts/" + e.promptId());
      if (read.status() == 200
          && "completed".equals(read.text("status"))
          && e.resultId().equals(read.text("resultId"))) {
        found.add(e.promptId());
      }
    }
    return found;
  }

  /**
   * Appends the header of a write-ahead-log frame whose page never arrived, as a crash mid-write
   * leaves; SQLite's recovery must stop at the last frame whose checksum holds.
   */
  private static long appendTornFrame(Path wal) throws Exception {
    assertThat(wal).as("the write-ahead log a kill -9 leaves").exists();
    ByteBuffer torn = ByteBuffer.allocate(24 + 100);
    torn.putInt(2).putInt(0).putInt(0x1234_5678).putInt(0x2345_6789);
    torn.put(new byte[108]);
    Files.write(wal, torn.array(), StandardOpenOption.APPEND);
    return torn.capacity();
  }

  private Path dir(String name) throws Exception {
    return Files.createDirectories(workDir.resolve(name));
  }

  private static Map<String, String> env(Path dataDir) {
    Map<String, String> env = new HashMap<>();
    env.put("GENIE_STORAGE", "legacy");
    env.put("GENIE_DATA_DIR", dataDir.toString());
    env.put("GENIE_PORT", "0");
    return env;
  }

  private static GenieClient client(String uri) {
    return new GenieClient(URI.create(uri), PATIENCE);
  }
}
