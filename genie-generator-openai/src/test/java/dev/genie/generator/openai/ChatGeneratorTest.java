package dev.genie.generator.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.core.GeneratorUnavailableException;
import dev.genie.core.chat.ChatRequest;
import dev.genie.core.generate.Generation;
import dev.genie.core.generate.GenerationException;
import dev.genie.core.generate.Usage;
import dev.genie.generator.openai.FakeOpenAi.Reply;
import java.time.Duration;
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

/** The chat generator against the fake endpoint: the request as canonical JSON, the reply kept. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatGeneratorTest {
  private static final String KEY = "sk-chat-0123456789";
  private static final String BODY =
      "{ \"stream\": false, \"user\": \"u-1\", \"model\": \"fake-model\","
          + " \"messages\": [{\"role\": \"user\", \"content\": \"Rain\"}], \"temperature\": 0.50 }";

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

  private EndpointSettings.Builder settings() {
    return EndpointSettings.builder()
        .baseUrl(fake.baseUrl())
        .apiKey(KEY)
        .backoff(Duration.ofMillis(10))
        .maxBackoff(Duration.ofSeconds(3))
        .timeout(Duration.ofSeconds(10));
  }

  private ChatGenerator generator(EndpointSettings.Builder settings) {
    return new ChatGenerator(new OpenAiEndpoint(settings.build()), recording);
  }

  private static String canonical() {
    return ChatRequest.parse("default", BODY).canonical();
  }

  @Test
  void postsTheCanonicalRequestWithTheKeyAndKeepsTheReplyAsItCame() throws Exception {
    fake.then(Reply.text("Rain on tin"));

    Generation generation = generator(settings()).generate(canonical());

    assertThat(fake.bodies())
        .containsExactly(
            "{\"messages\":[{\"content\":\"Rain\",\"role\":\"user\"}],\"model\":\"fake-model\","
                + "\"temperature\":0.5}");
    assertThat(fake.callAuthorizations()).containsExactly("Bearer " + KEY);
    assertThat(generation.document())
        .startsWith("{\"id\":\"chatcmpl-fake-1\",\"object\":\"chat.completion\"")
        .contains("\"content\":\"Rain on tin\"");
    assertThat(generation.pages()).isEmpty();
    assertThat(generation.usage()).isEqualTo(new Usage(12, 34));
    assertThat(generation.finishReason()).isEqualTo("stop");
    assertThat(recording.calls).containsExactly("ok 200");
    assertThat(recording.tokens).containsExactly(12L, 34L);
  }

  @Test
  void aCutOffOrRefusedCompletionIsTheCallersAnswerAndKept() throws Exception {
    fake.then(Reply.cutOff("Rain on"), Reply.refusal("no"));
    ChatGenerator generator = generator(settings());

    assertThat(generator.generate(canonical()).finishReason()).isEqualTo("length");
    assertThat(generator.generate(canonical()).document()).contains("\"refusal\":\"no\"");
  }

  @Test
  void aRateLimitFailsWithItsStatusAndWaitInGeniesWordsNotTheEndpoints() {
    fake.always(Reply.raw(429, "{\"error\":{\"message\":\"slow down, key " + KEY + "\"}}"));
    fake.then(Reply.status(429, "7"));

    assertThatThrownBy(() -> generator(settings().retries(0)).generate(canonical()))
        .isInstanceOfSatisfying(
            GenerationException.class,
            e -> {
              assertThat(e.upstreamStatus()).isEqualTo(429);
              assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
              assertThat(e.getMessage()).isEqualTo("the model's endpoint answered HTTP 429");
            });
    assertThatThrownBy(() -> generator(settings().retries(0)).generate(canonical()))
        .hasMessage("the model's endpoint answered HTTP 429");
  }

  @Test
  void serverErrorsAreRetriedAsForPagesThenFailWithTheStatus() {
    fake.always(Reply.status(502, null));

    assertThatThrownBy(() -> generator(settings().retries(1)).generate(canonical()))
        .isInstanceOfSatisfying(
            GenerationException.class, e -> assertThat(e.upstreamStatus()).isEqualTo(502));
    assertThat(fake.calls()).isEqualTo(2);
    assertThat(recording.calls).containsExactly("server_error 502", "server_error 502");
  }

  @Test
  void aReplyThatIsNotACompletionIsNoAnswer() {
    fake.always(Reply.raw(200, "<html>gateway</html>"));

    assertThatThrownBy(() -> generator(settings()).generate(canonical()))
        .isInstanceOfSatisfying(
            GenerationException.class,
            e -> {
              assertThat(e.upstreamStatus()).isZero();
              assertThat(e.getMessage()).contains("something other than a chat completion");
            });
    assertThat(fake.calls()).as("not retried").isEqualTo(1);
    assertThat(recording.calls).containsExactly("rejected 200");
  }

  @Test
  void theChatAndThePageGeneratorShareOneLimitOfCallsAndOneBreaker() throws Exception {
    fake.always(Reply.text("Slowly").after(Duration.ofMillis(150)));
    OpenAiEndpoint endpoint =
        new OpenAiEndpoint(
            settings()
                .concurrency(1)
                .retries(0)
                .breakerMinimumCalls(2)
                .breakerOpenFor(Duration.ofMinutes(1))
                .build());
    ChatGenerator chat = new ChatGenerator(endpoint, recording);
    OpenAiGenerator pages =
        new OpenAiGenerator(
            OpenAiSettings.builder()
                .baseUrl(fake.baseUrl())
                .apiKey(KEY)
                .model(FakeOpenAi.MODEL)
                .outputMode(OutputMode.TEXT)
                .build(),
            endpoint,
            recording);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Generation>> runs = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        boolean forChat = i % 2 == 0;
        runs.add(
            pool.submit(
                () -> {
                  go.await();
                  return forChat ? chat.generate(canonical()) : pages.generate("a poem");
                }));
      }
      go.countDown();
      for (Future<Generation> run : runs) {
        run.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(fake.mostAtOnce()).as("one call at once, whichever generator").isEqualTo(1);

    // The breaker's window is the last two calls: one failure of the chat generator opens it.
    fake.always(Reply.status(503, null));
    assertThatThrownBy(() -> chat.generate(canonical())).isInstanceOf(GenerationException.class);
    assertThat(pages.breakerState()).isEqualTo("open");
    assertThatThrownBy(() -> pages.generate("a poem"))
        .isInstanceOf(GeneratorUnavailableException.class);
    assertThat(fake.calls()).isEqualTo(5);
  }

  @Test
  void theEndpointListsItsModels() throws Exception {
    assertThat(new OpenAiEndpoint(settings().build()).models())
        .extracting(OpenAiEndpoint.Model::id)
        .containsExactly(FakeOpenAi.MODEL, "other-model");
    assertThat(fake.authorizations()).containsExactly("Bearer " + KEY);
  }
}
