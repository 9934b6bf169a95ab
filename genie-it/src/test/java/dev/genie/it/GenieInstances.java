package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.core.generate.Generator;
import dev.genie.http.GenieServer;
import dev.genie.http.config.GenieConfig;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.PrometheusText;
import dev.genie.it.support.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Genie servers started in-process on real Undertow through the test twin of the production
 * component; stopped together after each test. Register it with {@code @RegisterExtension}.
 */
final class GenieInstances implements AfterEachCallback {
  /** Pool size per instance in these tests; the budget check counts it. */
  static final int POOL_SIZE = 8;

  private final List<GenieServer> servers = new ArrayList<>();

  /** A server on the SQL store in database-required mode, checked to serve from SQL. */
  GenieServer sql(TestDatabase database, Generator generator, Map<String, String> settings)
      throws Exception {
    return sql(database, generator, Clock.systemUTC(), settings);
  }

  GenieServer sql(
      TestDatabase database, Generator generator, Clock clock, Map<String, String> settings)
      throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", database.databaseUrl());
    env.put("GENIE_REQUIRE_DB", "1");
    env.put("GENIE_DB_POOL_SIZE", Integer.toString(POOL_SIZE));
    env.put("GENIE_LOG_SQL", "1"); // into the test's sql.log, kept when a test fails
    env.putAll(settings);
    GenieServer server = start(env, generator, clock);
    GenieResponse health = new GenieClient(server.uri(), Duration.ofSeconds(10)).get("/health");
    assertThat(health.status()).as("health before the load").isEqualTo(200);
    assertThat(health.text("storage")).as("storage before the load").isEqualTo("sql");
    assertThat(health.header("Genie-Storage")).isEqualTo("sql");
    return server;
  }

  /**
   * Polls {@code /health} for up to 10 s until its {@code notifications} detail says {@code
   * expected} (listening or polling), and returns what it said last.
   */
  static String awaitNotifications(GenieClient client, String expected) throws Exception {
    String seen = "";
    for (int i = 0; i < 100 && !seen.equals(expected); i++) {
      seen = client.get("/health").json().path("notifications").asText();
      if (!seen.equals(expected)) {
        Thread.sleep(100);
      }
    }
    return seen;
  }

  /**
   * Waits up to {@code patience} until {@code count} claims were made, by {@code /metrics}: every
   * caller is then generating or waiting.
   */
  static void awaitClaims(GenieClient client, int count, Duration patience) throws Exception {
    long deadline = System.nanoTime() + patience.toNanos();
    while (PrometheusText.parse(client.get("/metrics").body()).sum("genie_claims_total", Map.of())
        < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(count + " claims were not made within " + patience);
      }
      Thread.sleep(20);
    }
  }

  /** A server on the legacy store in {@code dataDir}. */
  GenieServer legacy(Path dataDir, Generator generator, Map<String, String> settings) {
    Map<String, String> env = new HashMap<>();
    env.put("GENIE_STORAGE", "legacy");
    env.put("GENIE_DATA_DIR", dataDir.toString());
    env.putAll(settings);
    return start(env, generator, Clock.systemUTC());
  }

  private GenieServer start(Map<String, String> env, Generator generator, Clock clock) {
    env.putIfAbsent("GENIE_PORT", "0");
    GenieConfig config = GenieConfig.fromEnvironment(env);
    GenieServer server =
        DaggerTestGenieComponent.factory().create(config, clock, generator).server().start();
    servers.add(server);
    return server;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    servers.forEach(GenieServer::stop);
    servers.clear();
  }
}
