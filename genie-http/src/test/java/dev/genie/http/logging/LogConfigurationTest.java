package dev.genie.http.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LogConfigurationTest {
  @TempDir Path logs;

  @Test
  void stepsAsideForAConfigurationFileOnTheClassPath() {
    // This module's tests carry a logback-test.xml, as an application that embeds Genie may.
    LoggerContext context = new LoggerContext();

    assertThat(new LogConfiguration().configure(context))
        .isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(context.getLogger("ROOT").iteratorForAppenders()).isExhausted();
  }

  @Test
  void routesServerLinesRequestLinesAndStatementsToTheirFiles() throws Exception {
    LoggerContext context = configured();

    context.getLogger("dev.genie.http.GenieServer").info("Genie serving");
    context.getLogger("org.apache.ibatis.any").info("library chatter");
    context.getLogger("com.zaxxer.hikari.any").warn("pool warning");
    context.getLogger("dev.genie.http.access").info("POST /prompts 201 3ms");
    context.getLogger("dev.genie.http.audit").info("audit outcome=201 cache=miss");
    assertThat(logs.resolve("sql.log")).as("opened at the first statement only").doesNotExist();
    context.getLogger("dev.genie.sql").info("PromptMapper.claim 1.00 ms rows=1");
    // Request lines reach the file in the next batch; stopping the context first would stop the
    // file's appender before the batch (the server's shutdown hook waits for it).
    awaitLine(logs.resolve("genie.log"), "POST /prompts 201 3ms");
    awaitLine(logs.resolve("genie.log"), "audit outcome=201");
    context.stop(); // delivers what the statements' asynchronous appender holds

    assertThat(logs.resolve("genie.log"))
        .content()
        .contains("INFO  [main] dev.genie.http.GenieServer - Genie serving")
        .contains("pool warning")
        .doesNotContain("library chatter")
        .doesNotContain("PromptMapper.claim")
        .containsOnlyOnce("POST /prompts 201 3ms")
        .containsOnlyOnce("audit outcome=201 cache=miss");
    assertThat(logs.resolve("sql.log"))
        .content()
        .contains("[main] PromptMapper.claim 1.00 ms rows=1")
        .doesNotContain("Genie serving");
  }

  @Test
  void requestAndAuditLinesAreWrittenByTheirOwnThreadsAndOnlyAuditLinesWaitForRoom() {
    LoggerContext context = configured();

    for (String logger : List.of("dev.genie.http.access", "dev.genie.http.audit")) {
      assertThat(context.getLogger(logger).isAdditive()).as(logger).isFalse();
    }
    assertThat(context.getLogger("dev.genie.http.access").getAppender("ACCESS"))
        .isInstanceOfSatisfying(
            BatchedAsyncAppender.class, access -> assertThat(access.waitsWhenFull()).isFalse());
    assertThat(context.getLogger("dev.genie.http.audit").getAppender("AUDIT"))
        .isInstanceOfSatisfying(
            BatchedAsyncAppender.class, audit -> assertThat(audit.waitsWhenFull()).isTrue());
    context.stop();
  }

  @Test
  void aFailureToStartGoesToTheFileNotTwiceToTheConsole() throws Exception {
    LoggerContext context = configured();
    ch.qos.logback.classic.Logger startup = context.getLogger(LogConfiguration.STARTUP_LOGGER);

    assertThat(startup.isAdditive()).isFalse();
    assertThat(startup.getAppender("FILE")).isNotNull();
    assertThat(startup.getAppender("CONSOLE")).isNull();
    startup.error("GENIE STARTUP CHECK FAILED: the legacy store's database is damaged");
    context.stop();

    assertThat(logs.resolve("genie.log"))
        .content()
        .contains("ERROR [main] dev.genie.http.startup - GENIE STARTUP CHECK FAILED: the legacy");
  }

  @Test
  void serverLinesNameTheKeysOfLibrarySettings() throws Exception {
    LoggerContext context = configured();

    context
        .getLogger("dev.genie.persistence.sql.internal.ChangeListener")
        .warn("not listening (set {} to a direct connection)", "SqlStoreSettings.listenUrl");
    context.stop();

    assertThat(logs.resolve("genie.log"))
        .content()
        .contains("not listening (set GENIE_DB_LISTEN_URL to a direct connection)");
  }

  @Test
  void noCallerTextStartsALineInAnyFile() throws Exception {
    LoggerContext context = configured();
    // What AccessLogHandler writes for GET /x%0Aforged-line…, and the other ways a text can break a
    // line.
    String path = "/x\nforged-line INFO admin logged in\rforged-line\u2028forged-line\u0085";
    context
        .getLogger("dev.genie.http.access")
        .info("{} {} {} {}ms id={}", "GET", path, 404, 1, "a");
    context.getLogger("dev.genie.http.audit").info("audit route=\"{}\"", path);
    context
        .getLogger("dev.genie.http.internal.errors.HttpErrors")
        .warn("unexpected", new IllegalStateException("bad " + path, new RuntimeException(path)));
    context.getLogger("dev.genie.sql").info("select {}", path);
    awaitLine(logs.resolve("genie.log"), "GET /x");
    awaitLine(logs.resolve("genie.log"), "audit route");
    context.stop();

    for (String file : List.of("genie.log", "sql.log")) {
      List<String> lines = Files.readAllLines(logs.resolve(file));
      assertThat(lines).as(file).noneMatch(line -> line.startsWith("forged-line"));
      assertThat(String.join("\n", lines))
          .as(file)
          .doesNotContain("\u2028", "\u0085", "\r")
          .contains("/x\\nforged-line INFO admin logged in\\rforged-line\\u2028forged-line");
    }
    assertThat(Files.readString(logs.resolve("genie.log")))
        .as("the stack trace keeps its own lines")
        .contains("\n\tat ")
        .contains("Caused by: java.lang.RuntimeException: /x\\nforged-line");
  }

  private static void awaitLine(Path file, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!(Files.exists(file) && Files.readString(file).contains(text))
        && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  private LoggerContext configured() {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    LogConfiguration.apply(context, logs.toString());
    return context;
  }
}
