package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.it.support.Artifacts;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.RawHttp;
import dev.genie.it.support.TestDatabase;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The password in DATABASE_URL never shows: not in a log line, an error, a banner, a response body
 * or a header, on the success path (the packaged jar serving, then losing its connections and
 * timing out) and on every failure path of the startup check.
 *
 * <p>The database's own password is the sentinel when it has one; under trust authentication, which
 * accepts any password, a random sentinel stands in, so the success path is covered too.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SecretsIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension final Artifacts artifacts = new Artifacts();

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path workDir;

  @Test
  void thePasswordAppearsNowhereOnSuccessOrFailure() throws Exception {
    TestDatabase database = POSTGRES.server().freshDatabase();
    String sentinel =
        database.password().isEmpty()
            ? "Sentinel-" + HexFormat.of().formatHex(SecureRandom.getSeed(6))
            : database.password();
    String url = database.databaseUrl(database.user(), sentinel);
    artifacts.file("genie", workDir);
    List<String> seen = new ArrayList<>();
    Map<Integer, Integer> statuses = new TreeMap<>();

    int servedExit = serveAndFail(database, url, seen, statuses);
    Map<String, Integer> refusals = refusals(database, sentinel, url, seen);
    seen.addAll(filesUnder(workDir));

    long lines = seen.stream().mapToLong(text -> text.lines().count()).sum();
    long hits = seen.stream().filter(text -> text.contains(sentinel)).count();
    artifacts.summary(
        "figures",
        () ->
            "serving: "
                + statuses.values().stream().mapToInt(Integer::intValue).sum()
                + " responses "
                + statuses
                + ", exit "
                + servedExit
                + "; startup refusals (exit status by case) "
                + refusals
                + "; scanned "
                + seen.size()
                + " texts, "
                + lines
                + " lines: the password found in "
                + hits);
    assertThat(servedExit).isZero();
    assertThat(refusals.values()).containsOnly(78);
    for (String text : seen) {
      assertThat(text).doesNotContain(sentinel);
    }
  }

  /** The success path: serve, answer good and bad requests, lose connections, time out, stop. */
  private int serveAndFail(
      TestDatabase database, String url, List<String> seen, Map<Integer, Integer> statuses)
      throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", url);
    env.put("GENIE_REQUIRE_DB", "1");
    env.put("GENIE_PORT", "0");
    env.put("GENIE_DB_POOL_SIZE", "2");
    env.put("GENIE_DB_LOCK_TIMEOUT_MS", "500");
    Path dir = Files.createDirectories(workDir.resolve("serving"));
    try (GenieProcess genie = GenieProcess.start(dir, env)) {
      URI base = URI.create(genie.awaitServing(PATIENCE));
      GenieClient client = new GenieClient(base, PATIENCE);
      List<GenieResponse> responses = new ArrayList<>();
      responses.add(client.get("/health"));
      GenieResponse created = client.post("a prompt for the secrets check");
      responses.add(created);
      responses.add(client.post("a prompt for the secrets check"));
      responses.add(client.get("/prompts/" + created.text("promptId")));
      responses.add(client.get("/prompts?limit=5"));
      responses.add(client.get("/metrics"));
      for (GenieResponse response : responses) {
        record(response.status(), response.headers().map().toString(), response.body(), seen);
        statuses.merge(response.status(), 1, Integer::sum);
      }
      RawHttp http = new RawHttp(base);
      for (BadInputIT.Case bad : BadInputIT.cases()) {
        RawHttp.Response response = http.send(bad.request(), PATIENCE);
        record(response.status(), response.headers().toString(), response.body(), seen);
        statuses.merge(response.status(), 1, Integer::sum);
      }
      try (Connection admin = database.connect()) {
        terminateBackends(admin, database.name());
        for (int i = 0; i < 3; i++) {
          GenieResponse response = client.post("after the backends were killed " + i);
          record(response.status(), response.headers().map().toString(), response.body(), seen);
          statuses.merge(response.status(), 1, Integer::sum);
        }
        admin.setAutoCommit(false);
        try (Statement lock = admin.createStatement()) {
          lock.execute("LOCK TABLE genie_prompts IN ACCESS EXCLUSIVE MODE");
          for (GenieResponse response :
              List.of(client.post("while the table is locked"), client.get("/health"))) {
            record(response.status(), response.headers().map().toString(), response.body(), seen);
            statuses.merge(response.status(), 1, Integer::sum);
          }
        }
        admin.rollback();
      }
      assertThat(statuses).containsKey(503);
      genie.terminate();
      int status = genie.awaitExit(PATIENCE);
      seen.add(genie.stdout());
      seen.add(genie.stderr());
      return status;
    }
  }

  /** Each unusable configuration with the password in it: the jar must refuse with status 78. */
  private Map<String, Integer> refusals(
      TestDatabase database, String sentinel, String url, List<String> seen) throws Exception {
    String user = database.user();
    int free = GenieProcess.freePort();
    Map<String, Map<String, String>> cases = new LinkedHashMap<>();
    cases.put(
        "nothing listens",
        required("postgres://" + user + ":" + sentinel + "@127.0.0.1:" + free + "/genie"));
    cases.put(
        "no such database",
        required(url.replace("/" + database.name(), "/" + database.name() + "_missing")));
    cases.put("no such role", required(database.databaseUrl(user + "_missing", sentinel)));
    cases.put("malformed", required("postgres://" + user + ":" + sentinel + "@:5432/"));
    cases.put(
        "password in a JDBC query",
        required(
            "jdbc:postgresql://127.0.0.1:"
                + free
                + "/genie?user="
                + user
                + "&password="
                + sentinel));
    Map<String, String> badSetting = required(url);
    badSetting.put("GENIE_DB_POOL_SIZE", "0");
    cases.put("a bad setting beside it", badSetting);
    Map<String, String> badStore = required(url);
    badStore.put("GENIE_STORAGE", "legacy");
    cases.put("the legacy store required away", badStore);

    Map<String, Integer> statuses = new LinkedHashMap<>();
    int n = 0;
    for (Map.Entry<String, Map<String, String>> c : cases.entrySet()) {
      Path dir = Files.createDirectories(workDir.resolve("refused-" + n++));
      try (GenieProcess genie = GenieProcess.start(dir, c.getValue())) {
        statuses.put(c.getKey(), genie.awaitExit(PATIENCE));
        seen.add(genie.stdout());
        seen.add(genie.stderr());
        assertThat(genie.stderr()).as(c.getKey()).startsWith("GENIE STARTUP CHECK FAILED");
      }
    }
    return statuses;
  }

  private static Map<String, String> required(String url) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", url);
    env.put("GENIE_REQUIRE_DB", "1");
    env.put("GENIE_PORT", "0");
    env.put("GENIE_DB_CONNECTION_TIMEOUT_MS", "1000");
    return env;
  }

  static void record(int status, String headers, String body, List<String> seen) {
    seen.add(status + " " + headers + "\n" + body);
  }

  private static void terminateBackends(Connection admin, String database) throws Exception {
    try (PreparedStatement kill =
        admin.prepareStatement(
            "select pg_terminate_backend(pid) from pg_stat_activity"
                + " where datname = ? and application_name in ('genie', 'genie-listen')")) {
      kill.setString(1, database);
      kill.executeQuery().close();
    }
  }

  /** The text of every file the processes left behind: their output and any log directory. */
  static List<String> filesUnder(Path dir) throws Exception {
    List<String> texts = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        texts.add(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
      }
    }
    return texts;
  }
}
