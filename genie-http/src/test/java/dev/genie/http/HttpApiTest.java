package dev.genie.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The HTTP contract of SPEC §5, on the legacy store: statuses, headers, bodies, errors. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpApiTest extends LocalGenieTest {
  @BeforeEach
  void start() {
    start(Map.of("GENIE_MAX_PROMPT_CHARS", "50", "GENIE_MAX_BODY_BYTES", "1024"));
  }

  @Test
  void theFirstPostCreatesAndVariantsReturnTheSameAnswer() throws Exception {
    HttpResponse<String> created = post("/prompts", "{\"prompt\":\"A poem about café\"}");
    HttpResponse<String> again =
        post("/prompt", "{\"prompt\":\" A poem\\u00a0about cafe\\u0301 \"}");

    assertThat(created.statusCode()).isEqualTo(201);
    String promptId = field(created.body(), "promptId");
    assertThat(created.headers().firstValue("Location")).contains("/prompts/" + promptId);
    assertThat(created.headers().firstValue("Genie-Storage")).contains("legacy");
    assertThat(created.headers().firstValue("X-Request-Id")).isPresent();
    assertThat(field(created.body(), "status")).isEqualTo("completed");
    assertThat(field(created.body(), "normalizedPrompt")).isEqualTo("A poem about café");
    assertThat(field(created.body(), "prompt")).isEqualTo("A poem about café");
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.headers().firstValue("Location")).isEmpty();
    assertThat(again.body()).isEqualTo(created.body());

    HttpResponse<String> read = get("/prompts/" + promptId);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).isEqualTo(created.body());

    assertThat(created.headers().firstValue("Genie-Cache")).contains("miss");
    assertThat(again.headers().firstValue("Genie-Cache")).contains("hit");
    assertThat(read.headers().firstValue("Genie-Cache")).contains("hit");
    assertThat(created.body())
        .contains(
            "\"profile\":{\"id\":\""
                + dev.genie.persistence.PromptKey.SAMPLE_PROFILE_ID
                + "\",\"generator\":\"sample\",\"model\":\"genie-sample-1\","
                + "\"outputMode\":\"pages\",\"templateVersion\":1}");
  }

  @Test
  void theListIsNewestFirstAndPagedByCursor() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat(post("/prompts", "{\"prompt\":\"prompt " + i + "\"}").statusCode()).isEqualTo(201);
    }

    HttpResponse<String> first = get("/prompts?limit=3");
    String next = field(first.body(), "next");
    HttpResponse<String> second = get("/prompts?limit=3&cursor=" + next);

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body())
        .contains("prompt 4", "prompt 3", "prompt 2")
        .doesNotContain("prompt 1");
    assertThat(first.body().indexOf("prompt 4")).isLessThan(first.body().indexOf("prompt 2"));
    assertThat(second.body()).contains("prompt 1", "prompt 0").endsWith("\"next\":null}");
  }

  @Test
  void aSaneRequestIdIsEchoedAndAnotherIsReplaced() throws Exception {
    HttpResponse<String> sane = send(request("/health").header("X-Request-Id", "abc-123.x").GET());
    HttpResponse<String> insane = send(request("/health").header("X-Request-Id", "a b<c>").GET());

    assertThat(sane.headers().firstValue("X-Request-Id")).contains("abc-123.x");
    assertThat(insane.headers().firstValue("X-Request-Id"))
        .get()
        .asString()
        .matches("[0-9a-f]{32}");
  }

  @Test
  void healthNamesTheStore() throws Exception {
    HttpResponse<String> health = get("/health");

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(field(health.body(), "status")).isEqualTo("ok");
    assertThat(field(health.body(), "storage")).isEqualTo("legacy");
  }

  @Test
  void healthWritesItsNumbersAsNumbers() throws Exception {
    post("/prompts", "{\"prompt\":\"counted\"}");

    assertThat(get("/health").body()).contains("\"prompts\":1").doesNotContain("\"prompts\":\"");
  }

  @Test
  void headIsAnsweredLikeGetWithoutABody() throws Exception {
    try (Socket socket = new Socket(server.uri().getHost(), server.uri().getPort())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              "HEAD /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\n");
      assertThat(answer.toLowerCase(Locale.ROOT))
          .contains("content-type: application/json")
          .contains("genie-storage: legacy");
    }
  }

  @Test
  void anEmojiComesBackAsItselfInThePromptAsInTheEnvelope() throws Exception {
    HttpResponse<String> created =
        post("/prompts", "{\"prompt\":\"Autumn \\ud83c\\udf42 leaves\"}");

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.body())
        .contains("\"prompt\":\"Autumn \uD83C\uDF42 leaves\"")
        .contains("\"normalizedPrompt\":\"Autumn \uD83C\uDF42 leaves\"")
        .contains("\"title\":\"Autumn \uD83C\uDF42 leaves\"");
    assertThat(created.body().toLowerCase(Locale.ROOT)).doesNotContain("\\ud83c");
  }

  @Test
  void aDuplicateMemberIsNamedAsSuch() throws Exception {
    HttpResponse<String> twice = post("/prompts", "{\"prompt\":\"a\",\"prompt\":\"b\"}");
    HttpResponse<String> nested = post("/prompts", "{\"prompt\":\"a\",\"x\":{\"y\":1,\"y\":2}}");

    assertError(twice, 400, "INVALID_JSON");
    assertThat(field(twice.body(), "message")).contains("prompt twice");
    assertError(nested, 400, "INVALID_JSON");
    assertThat(field(nested.body(), "message")).contains("member twice");
  }

  @Test
  void metricsCountClaimsAndRequests() throws Exception {
    post("/prompts", "{\"prompt\":\"counted\"}");
    post("/prompts", "{\"prompt\":\"counted\"}");

    HttpResponse<String> metrics = get("/metrics");

    assertThat(metrics.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .startsWith("text/plain");
    assertThat(metrics.body())
        .contains("genie_claims_total{outcome=\"won\"} 1.0")
        .contains("genie_claims_total{outcome=\"lost\"} 1.0")
        .contains("genie_generations_total{outcome=\"completed\"} 1.0")
        .contains(
            "genie_http_requests_seconds_count{method=\"POST\",route=\"/prompts\",status=\"201\"} 1");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "malformed JSON       | {\"prompt\":                        | 400 | INVALID_JSON",
        "empty body           | ''                                  | 400 | INVALID_JSON",
        "an array             | [\"prompt\"]                        | 400 | INVALID_JSON",
        "a bare string        | \"a poem\"                          | 400 | INVALID_JSON",
        "a bare true          | true                                | 400 | INVALID_JSON",
        "a bare null          | null                                | 400 | INVALID_JSON",
        "trailing content     | {\"prompt\":\"a\"} {}               | 400 | INVALID_JSON",
        "duplicate member     | {\"prompt\":\"a\",\"prompt\":\"b\"} | 400 | INVALID_JSON",
        "deep nesting         | DEEP                                | 400 | INVALID_JSON",
        "a number             | {\"prompt\":42}                     | 400 | INVALID_PROMPT",
        "null                 | {\"prompt\":null}                   | 400 | INVALID_PROMPT",
        "a boolean            | {\"prompt\":true}                   | 400 | INVALID_PROMPT",
        "an array of strings  | {\"prompt\":[\"a\"]}                | 400 | INVALID_PROMPT",
        "an object            | {\"prompt\":{\"text\":\"a\"}}       | 400 | INVALID_PROMPT",
        "missing              | {\"text\":\"a\"}                    | 400 | INVALID_PROMPT",
        "empty                | {\"prompt\":\"\"}                   | 400 | INVALID_PROMPT",
        "white space only     | {\"prompt\":\" \\t\\n\\u3000 \"}    | 400 | INVALID_PROMPT",
        "NUL                  | {\"prompt\":\"a\\u0000b\"}          | 400 | INVALID_PROMPT",
        "a lone surrogate     | {\"prompt\":\"a\\ud800b\"}          | 400 | INVALID_PROMPT",
        "a lone low surrogate | {\"prompt\":\"\\udc00\"}             | 400 | INVALID_PROMPT",
        "a control character  | {\"prompt\":\"a\\u0007b\"}          | 400 | INVALID_PROMPT",
        "too long             | LONG                                | 400 | PROMPT_TOO_LONG",
        "too large            | LARGE                               | 413 | BODY_TOO_LARGE"
      })
  void badBodiesAreRefusedAndStoreNothing(String why, String body, int status, String code)
      throws Exception {
    String sent =
        switch (body) {
          case "DEEP" -> "{\"prompt\":\"a\",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}";
          case "LONG" -> "{\"prompt\":\"" + "x".repeat(51) + "\"}";
          case "LARGE" -> "{\"prompt\":\"" + "x".repeat(2000) + "\"}";
          default -> body;
        };

    HttpResponse<String> response = post("/prompts", sent);

    assertError(response, status, code);
    assertThat(get("/prompts").body()).isEqualTo("{\"items\":[],\"next\":null}");
  }

  @Test
  void aTooLongPromptIsToldTheKeyThatSetsTheLimit() throws Exception {
    HttpResponse<String> response = post("/prompts", "{\"prompt\":\"" + "x".repeat(51) + "\"}");

    assertError(response, 400, "PROMPT_TOO_LONG");
    assertThat(response.body())
        .contains("the limit is 50 (GENIE_MAX_PROMPT_CHARS)")
        .doesNotContain("OrchestratorSettings");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "Latin-1 e-acute, E9",
    "an overlong slash, C0AF",
    "an overlong NUL, C080",
    "an encoded surrogate, EDA080",
    "a stray continuation byte, 80",
    "a truncated sequence, E282",
    "past U+10FFFF, F4908080",
    "a five-byte form, F888808080",
    "byte FF, FF"
  })
  void invalidUtf8BytesAreRefused(String why, String hex) throws Exception {
    byte[] body = bytes("{\"prompt\":\"caf", HexFormat.of().parseHex(hex), "\"}");

    HttpResponse<String> response =
        send(
            request("/prompts")
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofByteArray(body)));

    assertError(response, 400, "INVALID_JSON");
    assertThat(get("/prompts").body()).isEqualTo("{\"items\":[],\"next\":null}");
  }

  @Test
  void aChunkedBodyIsReadWithinTheLimitAndRefusedPastIt() throws Exception {
    HttpResponse<String> small = postChunked("{\"prompt\":\"sent in chunks\"}");
    HttpResponse<String> large = postChunked("{\"prompt\":\"" + "x".repeat(5000) + "\"}");

    assertThat(small.statusCode()).isEqualTo(201);
    assertThat(field(small.body(), "normalizedPrompt")).isEqualTo("sent in chunks");
    assertError(large, 413, "BODY_TOO_LARGE");
    assertThat(get("/prompts").body()).contains("sent in chunks").doesNotContain("xxx");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "parent, ..",
    "encoded parent and slash, ..%2F",
    "encoded traversal, %2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "encoded NUL, %00",
    "encoded overlong slash, %C0%AF",
    "encoded space, a%20b",
    "a query, x?limit=1",
    "a UUID in capitals, 00000000-0000-0000-0000-00000000000A",
    "SQL, 1%27%20OR%20%271%27%3D%271",
    "very long, LONG"
  })
  void oddIdsAreNotFound(String why, String id) throws Exception {
    String sent = id.equals("LONG") ? "a".repeat(4000) : id;

    HttpResponse<String> response = get("/prompts/" + sent);

    assertError(response, 404, "NOT_FOUND");
    assertThat(field(response.body(), "message").length()).isLessThan(120);
  }

  @ParameterizedTest
  @CsvSource({
    "text/plain",
    "application/x-www-form-urlencoded",
    "application/json; charset=latin1",
    "application/jsonx",
    "NONE"
  })
  void otherContentTypesAreRefused(String contentType) throws Exception {
    HttpRequest.Builder request = request("/prompts");
    if (!contentType.equals("NONE")) {
      request.header("Content-Type", contentType);
    }

    HttpResponse<String> response =
        send(request.POST(BodyPublishers.ofString("{\"prompt\":\"a\"}")));

    assertError(response, 415, "UNSUPPORTED_MEDIA_TYPE");
    assertThat(get("/prompts").body()).isEqualTo("{\"items\":[],\"next\":null}");
  }

  @Test
  void unknownRoutesMethodsAndIdsAreAnsweredInJson() throws Exception {
    assertError(get("/nowhere"), 404, "NOT_FOUND");
    assertError(get("/prompts/not-an-id"), 404, "NOT_FOUND");
    assertError(get("/prompts/00000000-0000-0000-0000-000000000000"), 404, "NOT_FOUND");
    assertError(get("/prompts/"), 404, "NOT_FOUND");
    assertError(get("/prompts//preview"), 404, "NOT_FOUND");
    assertError(get("/health/"), 404, "NOT_FOUND");
    assertError(send(request("/prompts/").DELETE()), 404, "NOT_FOUND");
    HttpResponse<String> wrongMethod = send(request("/prompts").DELETE());
    assertError(wrongMethod, 405, "METHOD_NOT_ALLOWED");
    assertThat(wrongMethod.headers().firstValue("Allow")).contains("POST, GET, HEAD");
  }

  @ParameterizedTest
  @CsvSource({
    "BREW, /prompts, 'POST, GET, HEAD'",
    "PUT, /prompts/x, 'GET, HEAD'",
    "POST, /health, 'GET, HEAD'"
  })
  void otherMethodsAreAnsweredWithTheAllowedOnes(String method, String path, String allow)
      throws Exception {
    HttpResponse<String> response =
        send(request(path).method(method, BodyPublishers.ofString("{\"prompt\":\"a\"}")));

    assertError(response, 405, "METHOD_NOT_ALLOWED");
    assertThat(response.headers().firstValue("Allow")).contains(allow);
    assertThat(get("/prompts").body()).isEqualTo("{\"items\":[],\"next\":null}");
  }

  @ParameterizedTest
  @CsvSource({
    "limit=0",
    "limit=101",
    "limit=-1",
    "limit=",
    "limit=ten",
    "limit=1.5",
    "limit=99999999999999999999",
    "limit=1%00",
    "cursor=bogus",
    "cursor=",
    "cursor=%00",
    "limit=1&limit=2"
  })
  void badListParametersAreRefused(String query) throws Exception {
    assertError(get("/prompts?" + query), 400, "INVALID_PARAMETER");
  }

  private HttpResponse<String> postChunked(String json) throws Exception {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    // A body of unknown length goes out chunked.
    return send(
        request("/prompts")
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
  }

  private static byte[] bytes(String before, byte[] middle, String after) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(middle);
    out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }
}
