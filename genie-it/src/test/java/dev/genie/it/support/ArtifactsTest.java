package dev.genie.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;

/** A failed test leaves its evidence where the suite says; a passing one leaves nothing. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ArtifactsTest {
  @TempDir Path base;
  private final String previous = System.getProperty("genie.it.artifacts");

  @AfterEach
  void restore() {
    if (previous == null) {
      System.clearProperty("genie.it.artifacts");
    } else {
      System.setProperty("genie.it.artifacts", previous);
    }
  }

  @Test
  void onlyAFailedTestLeavesItsArtifacts() throws Exception {
    System.setProperty("genie.it.artifacts", base.toString());

    EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(Scenario.class))
        .execute()
        .testEvents()
        .assertStatistics(stats -> stats.failed(1).succeeded(1));

    Path failed = base.resolve("Scenario").resolve("fails");
    assertThat(failed.resolve("history.json")).hasContent("{\"run\":\"fails\"}");
    assertThat(failed.resolve("server.log")).hasContent("a server line");
    assertThat(base.resolve("Scenario").resolve("passes")).doesNotExist();
  }

  /** Run by the test kit above, not on its own: its name matches no test pattern. */
  static class Scenario {
    @RegisterExtension final Artifacts artifacts = new Artifacts();

    @Test
    void fails() throws Exception {
      register("fails");
      fail("on purpose, to leave artifacts");
    }

    @Test
    void passes() throws Exception {
      register("passes");
    }

    private void register(String run) throws Exception {
      // Beside the artifacts, not in a @TempDir, which is gone before the watcher runs.
      Path logs = Files.createDirectories(Artifacts.baseDirectory().resolve("logs"));
      Path log = Files.writeString(logs.resolve("server.log"), "a server line");
      artifacts
          .writer("history.json", file -> Files.writeString(file, "{\"run\":\"" + run + "\"}"))
          .file(log);
    }
  }
}
