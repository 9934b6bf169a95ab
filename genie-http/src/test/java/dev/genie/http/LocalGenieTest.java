package dev.genie.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.genie.http.cli.GenieCli;
import dev.genie.http.config.GenieConfig;
import dev.genie.http.wiring.Launcher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** A test of one Genie over HTTP, on the legacy store in a directory of its own, on a free port. */
abstract class LocalGenieTest {
  private static final JsonFactory JSON = new JsonFactory();

  final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  @TempDir Path dataDir;
  GenieServer server;

  /** Starts Genie with {@code settings} besides its port and data directory. */
  void start(Map<String, String> settings) {
    Map<String, String> env = new HashMap<>();
    env.put("GENIE_PORT", "0");
    env.put("GENIE_DATA_DIR", dataDir.toString());
    env.putAll(settings);
    server = Launcher.server(GenieConfig.fromEnvironment(env)).start();
  }

  /**
   * Creates a key in the legacy store with {@code keys create ARGS}, before {@link #start}, and
   * returns it: the last line the command printed.
   */
  String createKey(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String[] command = new String[args.length + 2];
    command[0] = "keys";
    command[1] = "create";
    System.arraycopy(args, 0, command, 2, args.length);
    int status =
        new GenieCli(
                Map.of("GENIE_STORAGE", "legacy", "GENIE_DATA_DIR", dataDir.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8),
                served -> {})
            .execute(command);
    assertThat(status).as("keys create").isZero();
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    return lines.get(lines.size() - 1);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  HttpResponse<String> post(String path, String json) throws Exception {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
  }

  HttpResponse<String> get(String path) throws Exception {
    return send(request(path).GET());
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(server.uri() + path));
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.build(), BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** A JSON error with {@code status} and {@code code}, shaped as every error is. */
  static void assertError(HttpResponse<String> response, int status, String code)
      throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(response.headers().firstValue("Genie-Storage")).contains("legacy");
    assertThat(field(response.body(), "code")).isEqualTo(code);
    assertThat(field(response.body(), "requestId"))
        .isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());
    assertThat(response.body())
        .doesNotContain("Exception", "dev.genie", "\tat ", "io.undertow", "java.", "jackson");
  }

  /** The first string member named {@code name}, at any depth. */
  static String field(String body, String name) throws IOException {
    try (JsonParser parser = JSON.createParser(body)) {
      for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
        if (t == JsonToken.FIELD_NAME && name.equals(parser.currentName())) {
          parser.nextToken();
          return parser.getValueAsString();
        }
      }
    }
    return null;
  }
}
