package dev.genie.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genie.generator.openai.FakeOpenAi;
import dev.genie.generator.openai.FakeOpenAi.Reply;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The OpenAI-compatible surface of SPEC §13 over HTTP, on the legacy store, against a fake model
 * endpoint: the completion kept and answered byte for byte, OpenAI's error shape and statuses, the
 * models offered, and the chat item as the prompt routes show it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatApiTest extends LocalGenieTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String UPSTREAM_KEY = "sk-upstream-never-shown-0123";
  private static final String BODY =
      "{\"model\":\"fake-model\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief\"},"
          + "{\"role\":\"user\",\"content\":\"A haiku about rain\"}],\"temperature\":0.2}";

  private FakeOpenAi fake;

  @BeforeEach
  void startFake() throws Exception {
    fake = new FakeOpenAi();
    fake.always(Reply.text("Rain on tin roofs\n\nthe kettle hums along"));
  }

  @AfterEach
  void stopFake() {
    fake.close();
  }

  private void startWith(Map<String, String> more) {
    Map<String, String> settings = new HashMap<>();
    settings.put("GENIE_OPENAI_BASE_URL", fake.baseUrl().toString());
    settings.put("GENIE_OPENAI_API_KEY", UPSTREAM_KEY);
    settings.put("GENIE_GENERATION_RETRIES", "0");
    settings.putAll(more);
    start(settings);
  }

  private HttpResponse<String> chat(String body) throws Exception {
    return post("/v1/chat/completions", body);
  }

  /** An error in OpenAI's shape with this status, type and code; nothing of the endpoint's. */
  private static JsonNode openAiError(HttpResponse<String> response, int status, String code)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode error = JSON.readTree(response.body()).path("error");
    assertThat(error.path("code").asText()).isEqualTo(code);
    assertThat(error.has("param")).isTrue();
    assertThat(error.path("type").asText()).isNotEmpty();
    assertThat(error.path("message").asText()).isNotEmpty();
    assertThat(response.body()).doesNotContain(UPSTREAM_KEY, "Exception", "\tat ");
    return error;
  }

  @Test
  void theCompletionIsKeptAsTheEndpointSentItAndEveryLaterCallerGetsTheSameBytes()
      throws Exception {
    startWith(Map.of());

    HttpResponse<String> first = chat(BODY);
    HttpResponse<String> again = chat(BODY);
    HttpResponse<String> respaced =
        chat(
            "{\n  \"temperature\" : 2e-1 , \"stream\": false, \"user\": \"end-user-7\",\n"
                + "  \"messages\" : [ {\"content\":\"Be brief\",\"role\":\"system\"},"
                + " {\"role\":\"user\",\"content\":\"A haiku about \\u0072ain\"} ],"
                + " \"model\" : \"fake-model\" }");

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(first.headers().firstValue("Genie-Cache")).contains("miss");
    assertThat(again.headers().firstValue("Genie-Cache")).contains("hit");
    assertThat(respaced.headers().firstValue("Genie-Cache")).contains("hit");
    assertThat(first.body()).startsWith("{\"id\":\"chatcmpl-fake-1\"");
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(respaced.body()).isEqualTo(first.body());
    String promptId = first.headers().firstValue("Genie-Prompt-Id").orElseThrow();
    assertThat(again.headers().firstValue("Genie-Prompt-Id")).contains(promptId);
    assertThat(fake.calls()).isEqualTo(1);
    assertThat(fake.callAuthorizations()).containsExactly("Bearer " + UPSTREAM_KEY);

    assertThat(chat(BODY.replace("0.2", "0.3")).headers().firstValue("Genie-Cache"))
        .contains("miss");
    assertThat(fake.calls()).isEqualTo(2);
  }

  @Test
  void theChatItemIsShownByItsLastUserMessageWithItsCompletion() throws Exception {
    startWith(Map.of());
    String promptId = chat(BODY).headers().firstValue("Genie-Prompt-Id").orElseThrow();

    JsonNode item = JSON.readTree(get("/prompts/" + promptId).body());
    JsonNode listed = JSON.readTree(get("/prompts").body()).path("items").get(0);
    HttpResponse<String> preview = get("/prompts/" + promptId + "/preview");

    assertThat(item.path("kind").asText()).isEqualTo("chat.completion");
    assertThat(item.path("prompt").asText()).isEqualTo("A haiku about rain");
    assertThat(item.path("model").asText()).isEqualTo("fake-model");
    assertThat(item.path("envelope").isNull()).isTrue();
    assertThat(item.path("completion").path("id").asText()).isEqualTo("chatcmpl-fake-1");
    assertThat(item.path("normalizedPrompt").asText()).startsWith("{\"messages\":[");
    assertThat(listed).isEqualTo(item);
    assertThat(preview.statusCode()).isEqualTo(200);
    assertThat(preview.body()).contains("A haiku about rain", "the kettle hums along");
    assertThat(get("/prompts/" + promptId + "/export.pdf").statusCode()).isEqualTo(200);
  }

  @Test
  void aModelNotOfferedIs404InOpenAisShapeWithoutAnUpstreamCallOrAStoredItem() throws Exception {
    startWith(Map.of("GENIE_OPENAI_MODELS", "fake-model, other-model"));

    JsonNode error =
        openAiError(chat(BODY.replace("fake-model", "gpt-4o")), 404, "model_not_found");

    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("message").asText()).contains("gpt-4o", "/v1/models");
    assertThat(fake.calls()).isZero();
    assertThat(JSON.readTree(get("/prompts").body()).path("items")).isEmpty();
    JsonNode models = JSON.readTree(get("/v1/models").body());
    assertThat(models.path("object").asText()).isEqualTo("list");
    assertThat(models.path("data").findValuesAsText("id"))
        .containsExactly("fake-model", "other-model");
    assertThat(get("/v1/models/other-model").statusCode()).isEqualTo(200);
    openAiError(get("/v1/models/gpt-4o"), 404, "model_not_found");
    assertThat(fake.modelListings()).isZero();
  }

  @Test
  void withoutAListTheModelsAreTheEndpointsAndAnIdMayHaveASlash() throws Exception {
    fake.modelsAnswer(
        Reply.raw(
            200,
            "{\"object\":\"list\",\"data\":[{\"id\":\"meta-llama/Llama-3-8B\",\"object\":\"model\","
                + "\"created\":1700000000,\"owned_by\":\"meta\"}]}"));
    startWith(Map.of());

    JsonNode model = JSON.readTree(get("/v1/models/meta-llama/Llama-3-8B").body());

    assertThat(model.path("id").asText()).isEqualTo("meta-llama/Llama-3-8B");
    assertThat(model.path("owned_by").asText()).isEqualTo("meta");
    assertThat(model.path("created").asLong()).isEqualTo(1_700_000_000L);
    assertThat(get("/v1/models").body()).contains("meta-llama/Llama-3-8B");
  }

  @Test
  void badRequestsAreRefusedInOpenAisShapeAndChangeNothing() throws Exception {
    startWith(Map.of());

    openAiError(chat("{\"model\":\"fake-model\"}"), 400, "invalid_request");
    openAiError(chat("{\"model\":\"fake-model\",\"messages\":[]"), 400, "invalid_request");
    openAiError(chat("[]"), 400, "invalid_request");
    openAiError(
        chat(BODY.replace("\"temperature\"", "\"stream\":true,\"temperature\"")),
        400,
        "invalid_request");
    openAiError(
        send(
            request("/v1/chat/completions")
                .header("Content-Type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(BODY))),
        415,
        "unsupported_media_type");
    openAiError(get("/v1/chat/completions"), 405, "method_not_allowed");
    openAiError(get("/v1/embeddings"), 404, "not_found");

    assertThat(fake.calls()).isZero();
    assertThat(JSON.readTree(get("/prompts").body()).path("items")).isEmpty();
  }

  @Test
  void anUpstreamRateLimitIsThe429ItWasWithItsRetryAfterAndTheNextRequestAsksAgain()
      throws Exception {
    startWith(Map.of());
    fake.then(Reply.status(429, "7"));

    HttpResponse<String> limited = chat(BODY);
    JsonNode error = openAiError(limited, 429, "generation_failed");
    HttpResponse<String> after = chat(BODY);

    assertThat(limited.headers().firstValue("Retry-After")).contains("7");
    assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
    assertThat(error.path("message").asText()).contains("HTTP 429").doesNotContain("status 429");
    assertThat(limited.headers().firstValue("Genie-Prompt-Id"))
        .isEqualTo(after.headers().firstValue("Genie-Prompt-Id"));
    JsonNode failedItem =
        JSON.readTree(
            get("/prompts/" + after.headers().firstValue("Genie-Prompt-Id").get()).body());
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.headers().firstValue("Genie-Cache")).contains("miss");
    assertThat(failedItem.path("status").asText()).isEqualTo("completed");
    assertThat(fake.calls()).isEqualTo(2);
  }

  @Test
  void theEndpointRefusingGeniesOwnKeyIsGeniesFaultNotTheCallers() throws Exception {
    startWith(Map.of());
    fake.then(
        Reply.raw(401, "{\"error\":{\"message\":\"Incorrect API key " + UPSTREAM_KEY + "\"}}"));
    fake.then(Reply.status(500, null), Reply.status(503, "3"), Reply.status(408, null));

    JsonNode refused = openAiError(chat(BODY), 502, "generation_failed");
    openAiError(chat(BODY), 500, "generation_failed");
    HttpResponse<String> unavailable = chat(BODY);
    openAiError(unavailable, 503, "generation_failed");
    openAiError(chat(BODY), 504, "generation_failed");

    assertThat(refused.path("type").asText()).isEqualTo("server_error");
    assertThat(refused.path("message").asText()).contains("GENIE_OPENAI_API_KEY");
    assertThat(unavailable.headers().firstValue("Retry-After")).contains("3");
  }

  @Test
  void aCompletionNotReadyWithinTheGenerationTimeoutIs504AndTheGenerationGoesOn() throws Exception {
    // The first upstream call hangs until it times out (the caller's wait ends about then too);
    // its retry answers. Which of the two ends first does not change what the next caller gets.
    CountDownLatch endOfTest = new CountDownLatch(1);
    fake.then(Reply.text("Slow rain").heldUntil(endOfTest), Reply.text("Slow rain"));
    startWith(Map.of("GENIE_GENERATION_TIMEOUT_MS", "2000", "GENIE_GENERATION_RETRIES", "1"));
    try {
      HttpResponse<String> late = chat(BODY);
      openAiError(late, 504, "generation_timeout");
      HttpResponse<String> next = chat(BODY);

      assertThat(late.headers().firstValue("Genie-Prompt-Id"))
          .isEqualTo(next.headers().firstValue("Genie-Prompt-Id"));
      assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
      assertThat(next.body()).startsWith("{\"id\":\"chatcmpl-fake-2\"");
      assertThat(fake.calls()).isEqualTo(2);
    } finally {
      endOfTest.countDown();
    }
  }

  @Test
  void chatAnswersAndTheirSavedTokensAreCountedBySurface() throws Exception {
    startWith(Map.of());
    chat(BODY);
    chat(BODY);
    post("/prompts", "{\"prompt\":\"a poem\"}");

    String metrics = get("/metrics").body();

    assertThat(metrics)
        .contains("genie_answers_total{cache=\"hit\",surface=\"v1\"} 1.0")
        .contains("genie_answers_total{cache=\"miss\",surface=\"v1\"} 1.0")
        .contains("genie_answers_total{cache=\"miss\",surface=\"prompts\"} 1.0")
        .contains("genie_tokens_saved_total{cache=\"hit\",surface=\"v1\"} 46.0")
        .contains("genie_upstream_tokens_total{direction=\"out\",surface=\"v1\"} 34.0")
        .contains("genie_upstream_calls_total{outcome=\"ok\",status=\"200\",surface=\"v1\"} 1.0")
        .doesNotContain(UPSTREAM_KEY);
  }

  @Test
  void withoutAnEndpointTheSurfaceSaysWhichSettingTurnsItOn() throws Exception {
    start(Map.of());

    JsonNode error = openAiError(chat(BODY), 404, "not_found");

    assertThat(error.path("message").asText()).contains("GENIE_OPENAI_API_KEY");
    openAiError(get("/v1/models"), 404, "not_found");
  }
}
