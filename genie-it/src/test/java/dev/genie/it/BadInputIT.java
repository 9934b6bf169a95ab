package dev.genie.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genie.http.GenieServer;
import dev.genie.it.support.Artifacts;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.PostgresServer;
import dev.genie.it.support.RawHttp;
import dev.genie.it.support.StoredRows;
import dev.genie.it.support.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input on the SQL store (SPEC §5), sent byte for byte over plain sockets: each request gets
 * its 4xx and JSON error code, no answer names an internal class or carries a stack trace, the
 * generator never runs, and genie_prompts and genie_results stay empty, read through plain JDBC.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BadInputIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension final Artifacts artifacts = new Artifacts();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final int MAX_BODY_BYTES = 1024;
  private static final int MAX_PROMPT_CHARS = 50;

  /** Text that would show an internal detail leaking into an answer. */
  static final List<String> LEAKS =
      List.of(
          "Exception",
          "\tat ",
          "dev.genie",
          "java.",
          "io.undertow",
          "org.postgresql",
          "org.apache.ibatis",
          "com.zaxxer",
          "jackson",
          "SQL state");

  /**
   * One bad request and what it must get.
   *
   * @param status the expected status; -1 when the server must close without answering
   * @param code the expected {@code error.code}
   */
  record Case(String name, byte[] request, int status, String code) {}

  @RegisterExtension final GenieInstances genies = new GenieInstances();

  @Test
  void badRequestsAreRefusedAndStoreNothing(PostgresServer postgres) throws Exception {
    TestDatabase database = postgres.freshDatabase();
    CountingGenerator generator = CountingGenerator.sample(Duration.ZERO);
    GenieServer genie =
        genies.sql(
            database,
            generator,
            Map.of(
                "GENIE_MAX_BODY_BYTES", Integer.toString(MAX_BODY_BYTES),
                "GENIE_MAX_PROMPT_CHARS", Integer.toString(MAX_PROMPT_CHARS)));
    RawHttp http = new RawHttp(genie.uri());
    artifacts.serverLogs();

    Map<Integer, Integer> statuses = new TreeMap<>();
    SoftAssertions softly = new SoftAssertions();
    List<Case> cases = cases();
    for (Case c : cases) {
      RawHttp.Response response = http.send(c.request(), PATIENCE);
      statuses.merge(response.status(), 1, Integer::sum);
      check(softly, c, response);
    }
    StoredRows rows;
    try (Connection connection = database.connect()) {
      rows = StoredRows.read(connection);
    }
    artifacts.summary(
        "figures",
        () ->
            cases.size()
                + " bad requests, statuses "
                + statuses
                + "; "
                + rows.counts()
                + "; generations "
                + generator.calls());
    softly.assertThat(rows.prompts()).as("prompt rows after bad input").isEmpty();
    softly.assertThat(rows.results()).as("result rows after bad input").isEmpty();
    softly.assertThat(generator.calls()).as("generations").isZero();
    softly.assertAll();
  }

  private static void check(SoftAssertions softly, Case c, RawHttp.Response response)
      throws IOException {
    String what = c.name() + ": " + response;
    softly.assertThat(response.status()).as(what).isEqualTo(c.status());
    for (String leak : LEAKS) {
      softly.assertThat(response.body()).as(what).doesNotContain(leak);
      softly.assertThat(response.headers().toString()).as(what).doesNotContain(leak);
    }
    if (c.status() == -1) {
      return;
    }
    softly.assertThat(response.header("Content-Type")).as(what).isEqualTo("application/json");
    softly.assertThat(response.header("Genie-Storage")).as(what).isEqualTo("sql");
    JsonNode error = JSON.readTree(response.body()).path("error");
    softly.assertThat(error.path("code").asText()).as(what).isEqualTo(c.code());
    softly.assertThat(error.path("message").asText()).as(what).isNotBlank();
    softly
        .assertThat(error.path("requestId").asText())
        .as(what)
        .isEqualTo(response.header("X-Request-Id"));
  }

  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    String deep = "{\"prompt\":\"a\",\"x\":" + "[".repeat(200) + "]".repeat(200) + "}";
    String[][] invalidJson = {
      {"malformed JSON", "{\"prompt\":"},
      {"empty body", ""},
      {"an array", "[\"prompt\"]"},
      {"a bare string", "\"a poem\""},
      {"trailing content", "{\"prompt\":\"a\"} {}"},
      {"duplicate member", "{\"prompt\":\"a\",\"prompt\":\"b\"}"},
      {"deep nesting", deep},
      {"a raw control byte in a string", "{\"prompt\":\"a\u0001b\"}"},
      {"single quotes", "{'prompt':'a'}"},
      {"a comment", "{/* c */\"prompt\":\"a\"}"}
    };
    for (String[] c : invalidJson) {
      cases.add(new Case(c[0], json(c[1]), 400, "INVALID_JSON"));
    }
    String[][] invalidPrompt = {
      {"a number", "{\"prompt\":42}"},
      {"null", "{\"prompt\":null}"},
      {"an object", "{\"prompt\":{\"text\":\"a\"}}"},
      {"an array of strings", "{\"prompt\":[\"a\"]}"},
      {"missing", "{\"text\":\"a\"}"},
      {"empty", "{\"prompt\":\"\"}"},
      {"white space only", "{\"prompt\":\" \\t\\n\\u3000\\u00a0 \"}"},
      {"invisible only", "{\"prompt\":\"\\u200b\\ufeff\"}"},
      {"NUL", "{\"prompt\":\"a\\u0000b\"}"},
      {"a C1 control", "{\"prompt\":\"a\\u0085b\"}"},
      {"a lone high surrogate", "{\"prompt\":\"a\\ud800b\"}"},
      {"a lone low surrogate", "{\"prompt\":\"a\\udc00\"}"}
    };
    for (String[] c : invalidPrompt) {
      cases.add(new Case(c[0], json(c[1]), 400, "INVALID_PROMPT"));
    }
    for (String hex : List.of("C0AF", "EDA080", "FF", "E282", "F4908080")) {
      cases.add(new Case("invalid UTF-8 " + hex, json(hex), 400, "INVALID_JSON"));
    }
    String longPrompt = "{\"prompt\":\"" + "x".repeat(MAX_PROMPT_CHARS + 1) + "\"}";
    cases.add(new Case("a prompt too long", json(longPrompt), 400, "PROMPT_TOO_LONG"));
    byte[] large = utf8("{\"prompt\":\"" + "x".repeat(2 * MAX_BODY_BYTES) + "\"}");
    cases.add(
        new Case(
            "a body too large", RawHttp.post("/prompts", "application/json", large), 413, null));
    cases.add(
        new Case(
            "a chunked body too large", RawHttp.postChunked("/prompts", large, 100), 413, null));
    cases.add(
        new Case(
            "a declared length too large, body unsent",
            RawHttp.request(
                "POST",
                "/prompts",
                "Content-Type: application/json\r\nContent-Length: 100000000\r\n",
                new byte[0]),
            413,
            null));
    cases.add(
        new Case(
            "broken chunking",
            RawHttp.request(
                "POST",
                "/prompts",
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
                utf8("ZZ\r\n{\"prompt\":\"a\"}\r\n0\r\n\r\n")),
            -1,
            null));
    byte[] good = utf8("{\"prompt\":\"a\"}");
    for (String type : new String[] {"text/plain", "application/json; charset=latin1"}) {
      cases.add(new Case("content type " + type, RawHttp.post("/prompts", type, good), 415, null));
    }
    cases.add(new Case("no content type", RawHttp.post("/prompts", null, good), 415, null));
    for (String path :
        List.of(
            "/nowhere",
            "/prompts/..%2F",
            "/prompts/%00",
            "/prompts/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "/prompts/" + "a".repeat(4000),
            "/prompts/00000000-0000-0000-0000-000000000000",
            "/prompts/1%27%20OR%20%271%27%3D%271")) {
      cases.add(new Case("GET " + shorten(path), get(path), 404, "NOT_FOUND"));
    }
    cases.add(
        new Case(
            "DELETE /prompts",
            RawHttp.request("DELETE", "/prompts", "", new byte[0]),
            405,
            "METHOD_NOT_ALLOWED"));
    cases.add(
        new Case(
            "BREW /prompts/x",
            RawHttp.request("BREW", "/prompts/x", "", new byte[0]),
            405,
            "METHOD_NOT_ALLOWED"));
    String farFuture = cursor("9999999999999.0.00000000-0000-0000-0000-000000000000");
    String farPast = cursor("-9999999999999.0.00000000-0000-0000-0000-000000000000");
    // Finer than the microseconds a store keeps: rounded there, it would repeat a row.
    String subMicro = cursor("1764000000.123456789.00000000-0000-0000-0000-000000000000");
    for (String query :
        List.of(
            "limit=0",
            "limit=101",
            "limit=-1",
            "limit=ten",
            "limit=99999999999999999999",
            "cursor=bogus",
            "cursor=%00",
            "cursor=" + farFuture,
            "cursor=" + farPast,
            "cursor=" + subMicro,
            "limit=1&limit=2")) {
      cases.add(new Case("GET /prompts?" + shorten(query), get("/prompts?" + query), 400, null));
    }
    return cases.stream()
        .map(
            c ->
                c.code() != null || c.status() == -1
                    ? c
                    : new Case(c.name(), c.request(), c.status(), defaultCode(c.status())))
        .toList();
  }

  private static String defaultCode(int status) {
    return switch (status) {
      case 400 -> "INVALID_PARAMETER";
      case 413 -> "BODY_TOO_LARGE";
      case 415 -> "UNSUPPORTED_MEDIA_TYPE";
      default -> throw new IllegalArgumentException("no default code for " + status);
    };
  }

  /** A POST of {@code text}; a text of hex digits only stands for invalid bytes in a prompt. */
  private static byte[] json(String text) {
    byte[] body;
    if (!text.isEmpty() && text.matches("[0-9A-F]+")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(utf8("{\"prompt\":\"caf"));
      out.writeBytes(HexFormat.of().parseHex(text));
      out.writeBytes(utf8("\"}"));
      body = out.toByteArray();
    } else {
      body = utf8(text);
    }
    return RawHttp.post("/prompts", "application/json", body);
  }

  private static byte[] get(String target) {
    return RawHttp.request("GET", target, "", new byte[0]);
  }

  private static String cursor(String plain) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(utf8(plain));
  }

  private static String shorten(String text) {
    return text.length() <= 60 ? text : text.substring(0, 60) + "…";
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
