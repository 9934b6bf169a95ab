package dev.genie.http.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.genie.generator.openai.FakeOpenAi;
import dev.genie.http.GenieServer;
import dev.genie.http.StartupCheckException;
import dev.genie.http.logging.LogConfiguration;
import dev.genie.persistence.legacy.LegacyPromptStore;
import dev.genie.persistence.legacy.LegacyStoreSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The command line without a database: help, version, statuses, and the startup check's banner for
 * every command. The commands on PostgreSQL and the packaged jar are in genie-it's CliIT.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GenieCliTest {
  @TempDir Path dataDir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<GenieServer> served = new ArrayList<>();

  @AfterEach
  void stop() {
    served.forEach(GenieServer::stop);
  }

  @Test
  void helpNamesTheCommandsTheSettingsAndTheStatuses() {
    assertThat(run(Map.of(), "--help")).isZero();

    assertThat(out())
        .contains("serve", "migrate", "check", "--version")
        .contains("DATABASE_URL", "GENIE_REQUIRE_DB")
        .contains("78", "startup check failed");
    assertThat(served).isEmpty();
  }

  @Test
  void eachCommandHasItsOwnHelp() {
    assertThat(run(Map.of(), "help", "migrate")).isZero();
    assertThat(out()).contains("Usage: java -jar genie.jar migrate");
  }

  @Test
  void versionIsThisBuilds() {
    assertThat(run(Map.of(), "--version")).isZero();

    assertThat(out()).startsWith("genie " + GenieVersion.current() + "\n");
    assertThat(GenieVersion.current()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    assertThat(run(Map.of(), "serv")).isEqualTo(2);
    assertThat(err()).contains("serv");
    assertThat(served).isEmpty();
  }

  @Test
  void withoutACommandGenieServes() {
    assertThat(run(legacy("GENIE_PORT", "0"))).isZero();

    assertThat(served).hasSize(1);
    assertThat(served.get(0).storage()).isEqualTo("legacy");
  }

  @Test
  void migrateWithoutADatabaseUrlPrintsTheBannerAndReturns78() {
    assertThat(run(legacy("GENIE_STORAGE", "legacy"), "migrate")).isEqualTo(78);

    assertThat(err())
        .startsWith("GENIE STARTUP CHECK FAILED\n")
        .contains("migrate needs PostgreSQL, and DATABASE_URL is not set")
        .contains("fix:   set DATABASE_URL=");
    assertThat(out()).isEmpty();
  }

  @Test
  void aNonLoopbackBindNeedsKeysWhichTheLegacyStoreKeeps() {
    Map<String, String> env = legacy("GENIE_HOST", "0.0.0.0");
    env.put("GENIE_PORT", "0");

    assertThat(run(env, "check")).as(err()).isZero();

    assertThat(out())
        .contains("callers need a key (GENIE_AUTH=keys, as GENIE_HOST is not loopback)");
    assertThat(served).isEmpty();
  }

  @Test
  void offSpelledOutLetsANonLoopbackBindStart() {
    Map<String, String> env = legacy("GENIE_HOST", "0.0.0.0");
    env.put("GENIE_AUTH", "off");
    env.put("GENIE_PORT", "0");

    assertThat(run(env, "check")).isZero();
  }

  @Test
  void keysLiveInTheLegacyStoreWhileNoOtherProcessHasItOpen() {
    assertThat(run(legacy("GENIE_STORAGE", "legacy"), "keys", "create", "--name", "alice"))
        .as(err())
        .isZero();
    List<String> created = out().lines().toList();
    String key = created.get(created.size() - 1);
    out.reset();
    assertThat(run(legacy("GENIE_STORAGE", "legacy"), "keys", "list")).isZero();
    String listed = out();
    out.reset();

    int busy;
    try (LegacyPromptStore server = LegacyPromptStore.open(new LegacyStoreSettings(dataDir))) {
      busy = run(legacy("GENIE_STORAGE", "legacy"), "keys", "create", "--name", "bob");
    }

    assertThat(key).matches("genie_[A-Za-z0-9_-]{43}");
    assertThat(listed).contains("alice\tdefault").doesNotContain(key);
    assertThat(busy).isEqualTo(78);
    assertThat(err())
        .contains("is open in another Genie process", "stop the Genie serving from that directory");
    assertThat(out()).doesNotContain("genie_");
  }

  @Test
  void aTakenNameOrAnUnknownKeyIsTheCommandsFailureNotAStartupCheck() {
    Map<String, String> env = legacy("GENIE_STORAGE", "legacy");
    assertThat(run(env, "keys", "create", "--name", "alice")).as(err()).isZero();
    out.reset();

    assertThat(run(env, "keys", "create", "--name", "alice")).isEqualTo(1);
    assertThat(run(env, "keys", "revoke", "nobody")).isEqualTo(1);
    assertThat(run(env, "keys", "create", "--name", "bob", "--rate", "fast")).isEqualTo(1);

    assertThat(err())
        .contains(
            "java -jar genie.jar keys create: a key named alice exists already; choose another"
                + " name\n  fix: choose another --name")
        .contains("java -jar genie.jar keys revoke: no live key is named nobody")
        .contains("--rate is 'fast'")
        .doesNotContain(StartupCheckException.HEADLINE)
        .doesNotContain("did not bind its port");
    assertThat(out()).doesNotContain("genie_");
  }

  @Test
  void aRateIsRequestsPerSecond() {
    assertThat(KeysCommand.rate("5/s")).isEqualTo(5);
    assertThat(KeysCommand.rate("12")).isEqualTo(12);
    for (String bad : new String[] {"0/s", "5/m", "-1", "fast", ""}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> KeysCommand.rate(bad))
          .hasMessageContaining("--rate");
    }
  }

  @Test
  void checkPassesOnTheLegacyStoreWithoutBindingThePort() throws Exception {
    int port = freePort();

    assertThat(run(legacy("GENIE_PORT", Integer.toString(port)), "check")).isZero();

    assertThat(out()).contains("Genie check passed", "from the legacy store");
    assertThat(served).isEmpty();
    try (ServerSocket stillFree = new ServerSocket(port)) {
      assertThat(stillFree.getLocalPort()).isEqualTo(port);
    }
    // The store was closed: a second check may take the data directory's lock.
    assertThat(run(legacy("GENIE_PORT", Integer.toString(port)), "check")).isZero();
  }

  @Test
  void checkRefusesWhatServeWouldRefuse() {
    assertThat(run(legacy("GENIE_REQUIRE_DB", "1"), "check")).isEqualTo(78);

    assertThat(err())
        .startsWith("GENIE STARTUP CHECK FAILED\n")
        .contains("the database is required (GENIE_REQUIRE_DB=1)");
    assertThat(out()).doesNotContain("passed");
  }

  @Test
  void checkRefusesAModelTheEndpointDoesNotList() throws Exception {
    try (FakeOpenAi fake = new FakeOpenAi()) {
      Map<String, String> env = legacy("GENIE_GENERATOR", "openai");
      env.put("GENIE_OPENAI_BASE_URL", fake.baseUrl().toString());
      env.put("GENIE_OPENAI_API_KEY", "sk-test");
      env.put("GENIE_OPENAI_MODEL", FakeOpenAi.MODEL);
      assertThat(run(env, "check")).as(err()).isZero();
      assertThat(out()).contains("it lists the model " + FakeOpenAi.MODEL);

      env.put("GENIE_OPENAI_MODEL", "gpt-nonexistent");
      assertThat(run(env, "check")).isEqualTo(78);
      assertThat(err())
          .startsWith("GENIE STARTUP CHECK FAILED\n")
          .contains(
              "does not list the model GENIE_OPENAI_MODEL=gpt-nonexistent among its 2 models"
                  + " ("
                  + FakeOpenAi.MODEL
                  + ", other-model)")
          .contains("fix:   set GENIE_OPENAI_MODEL to a model the endpoint lists");
      assertThat(fake.calls()).as("nothing generated").isZero();
    }
  }

  @Test
  void aBadSettingIsRefusedByEveryCommand() {
    for (String command : List.of("serve", "check", "migrate")) {
      err.reset();
      assertThat(run(legacy("GENIE_PORT", "eighty"), command)).as(command).isEqualTo(78);
      assertThat(err()).as(command).contains("GENIE_PORT is 'eighty'");
    }
    err.reset();
    assertThat(run(legacy("GENIE_PORT", "eighty"))).as("no command").isEqualTo(78);
    assertThat(err()).as("no command").startsWith("GENIE STARTUP CHECK FAILED\n");
  }

  @Test
  void aDamagedStoreIsRefusedOnTheConsoleAndInTheLog() throws Exception {
    Files.writeString(dataDir.resolve("genie.db"), "not a database at all, but long enough\n");
    Logger startup = (Logger) LoggerFactory.getLogger(LogConfiguration.STARTUP_LOGGER);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    startup.addAppender(log);
    try {
      assertThat(run(legacy("GENIE_PORT", "0"))).isEqualTo(78);
    } finally {
      startup.detachAppender(log);
    }

    assertThat(err())
        .startsWith("GENIE STARTUP CHECK FAILED")
        .contains("genie.db")
        .contains("damaged")
        .contains("GENIE_DATA_DIR");
    assertThat(log.list)
        .singleElement()
        .satisfies(
            line -> {
              assertThat(line.getLevel()).isEqualTo(Level.ERROR);
              assertThat(line.getFormattedMessage())
                  .startsWith("GENIE STARTUP CHECK FAILED")
                  .contains("damaged");
            });
    assertThat(served).isEmpty();
  }

  @Test
  void aPortInUseIsRefusedWithTheBannerBeforeTheStoreOpens() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String port = Integer.toString(taken.getLocalPort());
      for (String[] args : List.of(new String[] {"serve"}, new String[0], new String[] {"check"})) {
        err.reset();
        Map<String, String> env = legacy("GENIE_PORT", port);
        env.put("GENIE_HOST", "127.0.0.1");
        String as = List.of(args).toString();
        assertThat(run(env, args)).as(as).isEqualTo(78);
        assertThat(err())
            .as(as)
            .startsWith("GENIE STARTUP CHECK FAILED\n")
            .contains("GENIE_HOST=127.0.0.1 GENIE_PORT=" + port)
            .contains("in use")
            .doesNotContain("Exception")
            .doesNotContain("\tat ");
        assertThat(served).isEmpty();
        assertThat(dataDir.resolve("genie.db"))
            .as(as + ": the store was never opened")
            .doesNotExist();
      }
    }
  }

  @Test
  void anAddressThatIsNotThisMachinesIsRefusedWithTheBanner() {
    for (String host : List.of("192.0.2.1", "no-such-host.invalid")) {
      err.reset();
      Map<String, String> env = legacy("GENIE_HOST", host);
      env.put("GENIE_PORT", "0");
      assertThat(run(env, "check")).as(host).isEqualTo(78);
      assertThat(err()).as(host).contains("GENIE_HOST=" + host).doesNotContain("Exception");
    }
  }

  private int run(Map<String, String> environment, String... args) {
    return new GenieCli(
            environment,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            served::add)
        .execute(args);
  }

  private Map<String, String> legacy(String key, String value) {
    Map<String, String> env = new HashMap<>();
    env.put("GENIE_DATA_DIR", dataDir.toString());
    env.put(key, value);
    return env;
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
