package dev.genie.generator.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genie.core.GeneratorUnavailableException;
import dev.genie.core.generate.Block;
import dev.genie.core.generate.Generation;
import dev.genie.core.generate.Usage;
import dev.genie.generator.openai.FakeOpenAi.Reply;
import dev.genie.generator.openai.internal.UpstreamFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The generator against a fake OpenAI-compatible endpoint that speaks the real wire format. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpenAiGeneratorTest {
  static final String KEY = "sk-test-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();

  private FakeOpenAi fake;
  private final RecordingUpstreamListener recording = new RecordingUpstreamListener();

  @BeforeEach
  void start() throws Exception {
    fake = new FakeOpenAi();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private OpenAiSettings.Builder settings() {
    return OpenAiSettings.builder()
        .baseUrl(fake.baseUrl())
        .apiKey(KEY)
        .model(FakeOpenAi.MODEL)
        .backoff(Duration.ofMillis(10))
        .maxBackoff(Duration.ofSeconds(3))
        .timeout(Duration.ofSeconds(10));
  }

  private OpenAiGenerator generator(OpenAiSettings.Builder settings) {
    return new OpenAiGenerator(settings.build(), recording);
  }

  @Test
  void structuredAnswerBecomesPagesWithUsageAndTheRequestAsksForTheSchema() throws Exception {
    fake.then(Reply.pages("Autumn", "Leaves fall.", "  ", "Days shorten."));
    Generation generation =
        generator(settings().temperature(0.2).maxOutputTokens(300)).generate("a poem");

    assertThat(generation.pages()).hasSize(1);
    assertThat(generation.pages().get(0).id()).isEqualTo("p1");
    assertThat(generation.pages().get(0).title()).isEqualTo("Autumn");
    assertThat(generation.pages().get(0).blocks())
        .containsExactly(Block.text("Leaves fall."), Block.text("Days shorten."));
    assertThat(generation.model()).isEqualTo(FakeOpenAi.MODEL);
    assertThat(generation.usage()).isEqualTo(new Usage(12, 34));
    assertThat(generation.finishReason()).isEqualTo("stop");
    assertThat(fake.calls()).isEqualTo(1);
    assertThat(recording.calls).containsExactly("ok 200");
    assertThat(recording.tokens).containsExactly(12L, 34L);

    JsonNode request = JSON.readTree(fake.bodies().get(0));
    assertThat(request.get("model").asText()).isEqualTo(FakeOpenAi.MODEL);
    assertThat(request.get("temperature").asDouble()).isEqualTo(0.2);
    assertThat(request.get("max_tokens").asInt()).isEqualTo(300);
    assertThat(request.at("/response_format/type").asText()).isEqualTo("json_schema");
    assertThat(request.at("/response_format/json_schema/strict").asBoolean()).isTrue();
    assertThat(request.at("/messages/0/role").asText()).isEqualTo("system");
    assertThat(request.at("/messages/1/content").asText()).isEqualTo("a poem");
    assertThat(fake.authorizations()).containsExactly("Bearer " + KEY);
  }

  @Test
  void plainTextBecomesOnePageTitledByItsFirstLine() throws Exception {
    fake.then(Reply.text("# Autumn\n\nLeaves fall\nslowly.\n\n\nDays shorten."));
    Generation generation = generator(settings().outputMode(OutputMode.TEXT)).generate("a poem");

    assertThat(generation.pages()).hasSize(1);
    assertThat(generation.pages().get(0).title()).isEqualTo("Autumn");
    assertThat(generation.pages().get(0).blocks())
        .containsExactly(Block.text("Leaves fall\nslowly."), Block.text("Days shorten."));
    assertThat(JSON.readTree(fake.bodies().get(0)).has("response_format")).isFalse();
  }

  @Test
  void tooManyRequestsIsRetriedNoSoonerThanRetryAfter() throws Exception {
    fake.then(Reply.status(429, "1"));
    long started = System.nanoTime();
    Generation generation = generator(settings()).generate("a poem");
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    assertThat(generation.pages()).isNotEmpty();
    assertThat(fake.calls()).isEqualTo(2);
    assertThat(recording.calls).containsExactly("rate_limited 429", "ok 200");
    assertThat(waitedMs).as("the pause honoured Retry-After: 1").isGreaterThanOrEqualTo(1000);
  }

  @Test
  void retryAfterLongerThanTheCapFailsTheAttemptWithoutWaiting() {
    fake.then(Reply.status(429, "3600"));
    assertThatThrownBy(() -> generator(settings()).generate("a poem"))
        .isInstanceOf(UpstreamException.class)
        .hasMessageContaining("HTTP 429")
        .hasMessageContaining("3600 s");
    assertThat(fake.calls()).isEqualTo(1);
  }

  @Test
  void serverErrorsAreRetriedUpToTheLimitThenFail() {
    fake.always(Reply.status(500, null));
    assertThatThrownBy(() -> generator(settings().retries(2)).generate("a poem"))
        .isInstanceOf(UpstreamException.class)
        .hasMessageContaining("HTTP 500")
        .hasMessageContaining("after 3 calls");
    assertThat(fake.calls()).isEqualTo(3);
    assertThat(recording.calls).containsOnly("server_error 500");
  }

  @Test
  void otherClientErrorsAreNotRetried() {
    fake.always(Reply.status(400, null));
    assertThatThrownBy(() -> generator(settings()).generate("a poem"))
        .isInstanceOf(UpstreamException.class)
        .hasMessageContaining("HTTP 400");
    assertThat(fake.calls()).isEqualTo(1);
    assertThat(recording.calls).containsExactly("client_error 400");
  }

  @Test
  void aHangPastTheTimeoutIsRetriedAndThenFails() {
    fake.always(Reply.pages("Late", "Too late.").after(Duration.ofSeconds(5)));
    assertThatThrownBy(
            () ->
                generator(settings().timeout(Duration.ofMillis(300)).retries(1)).generate("a poem"))
        .isInstanceOf(UpstreamException.class)
        .hasMessageContaining("did not answer within 300 ms (EndpointSettings.timeout)");
    assertThat(fake.calls()).isEqualTo(2);
    assertThat(recording.calls).containsExactly("timeout 0", "timeout 0");
  }

  @Test
  void aBodyStalledPastTheTimeoutIsATimeoutToo() {
    fake.always(Reply.pages("Late", "Too late.").bodyAfter(Duration.ofSeconds(5)));
    assertThatThrownBy(
            () ->
                generator(settings().timeout(Duration.ofMillis(500)).retries(0)).generate("a poem"))
        .isInstanceOf(UpstreamException.class)
        .hasMessageContaining("did not answer within 500 ms");
    assertThat(recording.calls).containsExactly("timeout 0");
  }

  @Test
  void malformedJsonFromTheEndpointFailsTheAttempt() {
    fake.then(Reply.raw(200, "{\"id\": \"chatcmpl-1\", \"choices\": [ {"));
    assertThatThrownBy(() -> generator(settings()).generate("a poem"))
        .isInstanceOf(UpstreamException.class)
        .hasMessageContaining("could not be read");
    assertThat(fake.calls()).isEqualTo(1);
    assertThat(recording.calls).containsExactly("malformed 200");
  }

  @Test
  void anAnswerThatIsNotPagesFailsTheAttempt() {
    fake.then(Reply.text("{\"pages\": []}"), Reply.text("Sure! Here is a poem."));
    OpenAiGenerator generator = generator(settings());
    assertThatThrownBy(() -> generator.generate("a poem"))
        .isInstanceOf(UpstreamException.class)
        .hasMessageContaining("no \"pages\" array with pages");
    assertThatThrownBy(() -> generator.generate("a poem"))
        .isInstanceOf(UpstreamException.class)
        .hasMessageContaining("not JSON");
    assertThat(recording.calls).containsExactly("rejected 200", "rejected 200");
  }

  @Test
  void aCutOffAnswerFailsTheAttemptAndItsTokensAreCounted() {
    fake.then(Reply.cutOff("{\"pages\":[{\"title\":\"Aut"));
    assertThatThrownBy(() -> generator(settings()).generate("a poem"))
        .isInstanceOf(UpstreamException.class)
        .hasMessageContaining("finish_reason=length")
        .hasMessageContaining("OpenAiSettings.maxOutputTokens");
    assertThat(fake.calls()).isEqualTo(1);
    assertThat(recording.tokens).containsExactly(12L, 34L);
  }

  @Test
  void aRefusalFailsTheAttempt() {
    fake.then(Reply.refusal("I can't help with that."));
    assertThatThrownBy(() -> generator(settings()).generate("a poem"))
        .isInstanceOf(UpstreamException.class)
        .hasMessageContaining("refused")
        .as("the endpoint's words stay in the operator's log")
        .hasMessageNotContaining("I can't help with that.");
    assertThat(fake.calls()).isEqualTo(1);
    assertThat(recording.calls).containsExactly("refused 200");
  }

  @Test
  void anEmptyAnswerFailsTheAttempt() {
    fake.then(Reply.text("  "));
    assertThatThrownBy(() -> generator(settings().outputMode(OutputMode.TEXT)).generate("a poem"))
        .isInstanceOf(UpstreamException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void theBreakerOpensAfterRepeatedFailuresFailsFastAndClosesAfterASuccess() throws Exception {
    OpenAiGenerator generator =
        generator(
            settings()
                .retries(0)
                .breakerMinimumCalls(4)
                .breakerFailureRate(50)
                .breakerOpenFor(Duration.ofMillis(500)));
    fake.always(Reply.status(503, null));
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> generator.generate("a poem")).isInstanceOf(UpstreamException.class);
    }
    assertThat(generator.breakerState()).isEqualTo("open");
    assertThatThrownBy(() -> generator.generate("a poem"))
        .isInstanceOfSatisfying(
            GeneratorUnavailableException.class,
            e ->
                assertThat(e.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1)));
    assertThat(fake.calls()).as("fails fast: no call while open").isEqualTo(4);

    fake.always(Reply.pages("Back", "It works again."));
    Thread.sleep(600);
    assertThat(generator.generate("a poem").pages().get(0).title()).isEqualTo("Back");
    assertThat(generator.breakerState()).isEqualTo("closed");
    assertThat(fake.calls()).isEqualTo(5);
  }

  @Test
  void atMostTheConcurrencyLimitOfCallsRunAtOnceAndNoneIsDropped() throws Exception {
    fake.always(Reply.pages("Slow", "Slowly.").after(Duration.ofMillis(200)));
    OpenAiGenerator generator = generator(settings().concurrency(3));
    int callers = 12;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Generation>> results = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        int n = i;
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  return generator.generate("prompt " + n);
                }));
      }
      go.countDown();
      for (Future<Generation> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS).pages()).isNotEmpty();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(fake.calls()).isEqualTo(callers);
    assertThat(fake.mostAtOnce()).isEqualTo(3);
  }

  @Test
  void checkListsTheModelsWithoutGenerating() throws Exception {
    ModelCheck listed = generator(settings()).check();
    assertThat(listed.listed()).isTrue();
    assertThat(listed.models()).isEqualTo(2);
    assertThat(generator(settings().model("gpt-nonexistent")).check().listed()).isFalse();
    assertThat(fake.calls()).isZero();
    assertThat(fake.modelListings()).isEqualTo(2);
  }

  @Test
  void checkReadsNamesAsGeminiAndOllamaListThem() throws Exception {
    fake.modelsAnswer(
        Reply.raw(
            200,
            "{\"object\":\"list\",\"data\":[{\"id\":\"models/gemini-2.5-flash\"},"
                + "{\"id\":\"llama3.2:latest\"},{\"id\":\"qwen2.5:7b\"}]}"));

    assertThat(generator(settings().model("gemini-2.5-flash")).check().listed()).isTrue();
    assertThat(generator(settings().model("llama3.2")).check().listed()).isTrue();
    assertThat(generator(settings().model("qwen2.5:7b")).check().listed()).isTrue();
    assertThat(generator(settings().model("qwen2.5")).check().listed())
        .as("only a name without a tag means latest")
        .isFalse();
    assertThat(generator(settings().model("llama3.2:1b")).check().listedModels())
        .containsExactly("models/gemini-2.5-flash", "llama3.2:latest", "qwen2.5:7b");
  }

  @Test
  void checkFailsWithoutTheKeyWhenTheEndpointRefusesIt() {
    fake.modelsAnswer(Reply.raw(401, "{\"error\":{\"message\":\"Incorrect key " + KEY + "\"}}"));
    assertThatThrownBy(() -> generator(settings()).check())
        .isInstanceOf(UpstreamException.class)
        .hasMessageContaining("EndpointSettings.baseUrl")
        .hasMessageContaining("HTTP 401")
        .hasMessageNotContaining(KEY);
  }

  @Test
  void theApiKeyNeverAppearsInAFailureEvenWhenTheEndpointEchoesIt() {
    fake.always(
        Reply.raw(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\"}}"));
    OpenAiGenerator generator = generator(settings());
    assertThatThrownBy(() -> generator.generate("a poem"))
        .isInstanceOf(UpstreamException.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageNotContaining(KEY)
        .hasMessageNotContaining("Incorrect API key");
    assertThat(generator.toString() + OpenAiSettings.builder().apiKey(KEY).model("m").build())
        .doesNotContain(KEY);
  }

  @Test
  void whatTheOperatorsLogKeepsOfAnErrorBodyHasNothingKeyLike() {
    String body =
        "{\"error\":{\"message\":\"Incorrect API key provided: sk-proj-********abCD for "
            + "org-Q7bLk2mZp9XyTr4 (Authorization: Bearer eyJhbGciOi.x.y); key "
            + KEY
            + ", google AIzaSyA1234567890abcdef, token 0123456789abcdef0123456789abcdef01\"}}";

    String logged = UpstreamFailure.scrub(body, KEY);

    assertThat(logged)
        .contains("Incorrect API key provided", "[redacted]")
        .doesNotContain(
            "sk-proj",
            "abCD",
            "Q7bLk2mZp9XyTr4",
            "eyJhbGciOi",
            KEY,
            "AIzaSy",
            "0123456789abcdef0123456789abcdef01");
  }

  @Test
  void theProfileCoversEverySettingThatChangesTheAnswer() {
    String base = generator(settings()).profile().id();
    assertThat(generator(settings()).profile().id()).isEqualTo(base);
    assertThat(generator(settings().model("other")).profile().id()).isNotEqualTo(base);
    assertThat(generator(settings().temperature(0.5)).profile().id()).isNotEqualTo(base);
    assertThat(generator(settings().maxOutputTokens(100)).profile().id()).isNotEqualTo(base);
    assertThat(generator(settings().systemPrompt("Be terse.")).profile().id()).isNotEqualTo(base);
    assertThat(generator(settings().outputMode(OutputMode.TEXT)).profile().id()).isNotEqualTo(base);
    assertThat(generator(settings().retries(0).concurrency(1)).profile().id())
        .as("retries and concurrency change when, not what")
        .isEqualTo(base);
    assertThat(generator(settings().temperature(0.5)).profile().json())
        .startsWith("{\"generator\":\"openai\",\"model\":\"fake-model\"")
        .contains("\"temperature\":0.5");
  }
}
