package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.generator.openai.FakeOpenAi;
import dev.genie.generator.openai.FakeOpenAi.Reply;
import dev.genie.it.support.Artifacts;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.PrometheusText;
import dev.genie.it.support.TestDatabase;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar with {@code GENIE_GENERATOR=openai} and a sentinel API key, against a fake
 * endpoint that even echoes the key in its errors: the key reaches the endpoint and nothing else,
 * not a log line, an error, a metric, {@code /health}, a banner or {@code check}'s output. On the
 * way it answers from the model (Genie-Cache miss, then hit), maps the open breaker to {@code 503
 * GENERATOR_UNAVAILABLE} with Retry-After, and still serves completed prompts meanwhile.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ApiKeySecretsIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension final Artifacts artifacts = new Artifacts();

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path workDir;

  private final String sentinel =
      "sk-Sentinel-" + HexFormat.of().formatHex(SecureRandom.getSeed(8));
  private FakeOpenAi fake;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeOpenAi();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void theApiKeyReachesTheEndpointAndAppearsNowhereElse() throws Exception {
    TestDatabase database = POSTGRES.server().freshDatabase();
    artifacts.file("genie", workDir);
    List<String> seen = new ArrayList<>();
    Map<String, Integer> statuses = new LinkedHashMap<>();

    serve(openai(database), seen, statuses);
    Map<String, Integer> exits = new LinkedHashMap<>();
    exits.put("check", run("check", openai(database), seen));
    Map<String, String> noModel = openai(database);
    noModel.remove("GENIE_OPENAI_MODEL");
    exits.put("serve without a model", run("serve", noModel, seen));
    assertThat(seen.get(seen.size() - 1))
        .startsWith("GENIE STARTUP CHECK FAILED")
        .contains("GENIE_OPENAI_MODEL");
    Map<String, String> unreachable = openai(database);
    unreachable.put("GENIE_OPENAI_BASE_URL", "http://127.0.0.1:" + GenieProcess.freePort() + "/v1");
    exits.put("check, endpoint unreachable", run("check", unreachable, seen));
    fake.modelsAnswer(
        Reply.raw(401, "{\"error\":{\"message\":\"Incorrect API key: " + sentinel + "\"}}"));
    exits.put("check, key refused", run("check", openai(database), seen));
    seen.addAll(SecretsIT.filesUnder(workDir));

    long hits = seen.stream().filter(text -> text.contains(sentinel)).count();
    artifacts.summary(
        "figures",
        () ->
            "serving: "
                + statuses
                + "; exits "
                + exits
                + "; scanned "
                + seen.size()
                + " texts: the key found in "
                + hits
                + "; the endpoint saw it in "
                + fake.authorizations().size()
                + " requests");
    assertThat(exits)
        .containsEntry("check", 0)
        .containsEntry("serve without a model", 78)
        .containsEntry("check, endpoint unreachable", 78)
        .containsEntry("check, key refused", 78);
    assertThat(fake.authorizations()).isNotEmpty().containsOnly("Bearer " + sentinel);
    for (String text : seen) {
      assertThat(text).doesNotContain(sentinel);
    }
  }

  private Map<String, String> openai(TestDatabase database) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", database.databaseUrl());
    env.put("GENIE_REQUIRE_DB", "1");
    env.put("GENIE_PORT", "0");
    env.put("GENIE_DB_POOL_SIZE", "2");
    env.put("GENIE_GENERATOR", "openai");
    env.put("GENIE_OPENAI_BASE_URL", fake.baseUrl().toString());
    env.put("GENIE_OPENAI_API_KEY", sentinel);
    env.put("GENIE_OPENAI_MODEL", FakeOpenAi.MODEL);
    env.put("GENIE_GENERATION_RETRIES", "0");
    return env;
  }

  private void serve(Map<String, String> env, List<String> seen, Map<String, Integer> statuses)
      throws Exception {
    Path dir = Files.createDirectories(workDir.resolve("serving"));
    try (GenieProcess genie = GenieProcess.start(dir, env)) {
      GenieClient client = new GenieClient(URI.create(genie.awaitServing(PATIENCE)), PATIENCE);
      GenieResponse created = keep("created", client.post("a poem"), seen, statuses);
      assertThat(created.status()).isEqualTo(201);
      assertThat(created.header("Genie-Cache")).isEqualTo("miss");
      assertThat(created.envelopeText()).contains("\"title\":\"Autumn\"");
      GenieResponse again = keep("again", client.post(" a  poem "), seen, statuses);
      assertThat(again.header("Genie-Cache")).isEqualTo("hit");
      keep("read", client.get("/prompts/" + created.text("promptId")), seen, statuses);
      keep("health", client.get("/health"), seen, statuses);

      fake.then(
          Reply.raw(401, "{\"error\":{\"message\":\"Incorrect API key: " + sentinel + "\"}}"));
      GenieResponse refused = keep("key refused", client.post("refused"), seen, statuses);
      assertThat(refused.status()).isEqualTo(502);
      // The status in Genie's words; the endpoint's text only in the server log, scrubbed.
      assertThat(refused.body()).contains("HTTP 401").doesNotContain("Incorrect API key");
      keep("refused, read", client.get(refused.header("Location")), seen, statuses);

      fake.always(Reply.status(500, null));
      GenieResponse unavailable = null;
      for (int i = 0; i < 15 && unavailable == null; i++) {
        GenieResponse response = keep("failing " + i, client.post("failing " + i), seen, statuses);
        if (response.status() == 503) {
          unavailable = response;
        } else {
          assertThat(response.status()).isEqualTo(502);
        }
      }
      assertThat(unavailable).as("the breaker opened within 15 failures").isNotNull();
      assertThat(unavailable.errorCode()).isEqualTo("GENERATOR_UNAVAILABLE");
      assertThat(Integer.parseInt(unavailable.header("Retry-After"))).isBetween(1, 30);
      int callsWhileOpen = fake.calls();
      GenieResponse servedWhileOpen = keep("while open", client.post("a poem"), seen, statuses);
      assertThat(servedWhileOpen.status()).isEqualTo(200);
      assertThat(servedWhileOpen.header("Genie-Cache")).isEqualTo("hit");
      GenieResponse newWhileOpen = keep("new while open", client.post("new"), seen, statuses);
      assertThat(newWhileOpen.status()).isEqualTo(503);
      assertThat(fake.calls()).isEqualTo(callsWhileOpen);

      GenieResponse metrics = keep("metrics", client.get("/metrics"), seen, statuses);
      PrometheusText text = PrometheusText.parse(metrics.body());
      assertThat(text.value("genie_upstream_breaker_state", Map.of("state", "open"))).isEqualTo(1);
      assertThat(
              text.value(
                  "genie_upstream_calls_total",
                  Map.of("outcome", "ok", "status", "200", "surface", "prompts")))
          .isEqualTo(1);
      assertThat(
              text.value(
                  "genie_upstream_tokens_total", Map.of("direction", "out", "surface", "prompts")))
          .isEqualTo(34);
      assertThat(
              text.value("genie_tokens_saved_total", Map.of("cache", "hit", "surface", "prompts")))
          .isEqualTo(92);
      genie.terminate();
      assertThat(genie.awaitExit(PATIENCE)).isZero();
      seen.add(genie.stdout());
      seen.add(genie.stderr());
    }
  }

  private int run(String command, Map<String, String> env, List<String> seen) throws Exception {
    Path dir = Files.createTempDirectory(workDir, command);
    try (GenieProcess genie = GenieProcess.start(dir, env, command)) {
      int status = genie.awaitExit(PATIENCE);
      seen.add(genie.stdout());
      seen.add(genie.stderr());
      if (status == 0 && "check".equals(command)) {
        assertThat(genie.stdout()).contains("lists the model " + FakeOpenAi.MODEL);
      }
      return status;
    }
  }

  private static GenieResponse keep(
      String what, GenieResponse response, List<String> seen, Map<String, Integer> statuses) {
    SecretsIT.record(response.status(), response.headers().map().toString(), response.body(), seen);
    statuses.put(what, response.status());
    return response;
  }
}
