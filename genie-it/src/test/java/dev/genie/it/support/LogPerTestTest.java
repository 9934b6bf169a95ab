package dev.genie.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** A check of the server log sees only the lines of its own test, whatever ran before it. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LogPerTestTest {
  private static final org.slf4j.Logger log = LoggerFactory.getLogger("dev.genie.http.test");

  @Test
  @Order(1)
  void aTestLogsALine() throws Exception {
    log.info("a line of the first test");

    assertThat(ServerLog.path()).endsWith(Path.of("aTestLogsALine", "server.log"));
    assertThat(ServerLog.lines()).anyMatch(line -> line.endsWith("a line of the first test"));
  }

  @Test
  @Order(2)
  void theNextTestDoesNotSeeIt() throws Exception {
    log.info("a line of the second test");

    assertThat(ServerLog.lines())
        .anyMatch(line -> line.endsWith("a line of the second test"))
        .noneMatch(line -> line.endsWith("a line of the first test"));
  }
}
