package dev.genie.generator.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.genie.core.chat.ChatRequest;
import dev.genie.core.generate.Usage;
import dev.genie.generator.openai.FakeOpenAi.Reply;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What both generators describe of each call to a listener that traces: what was asked, what came
 * back, how it ended; and nothing to one that does not.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TracedCallsTest {
  private static final String BODY =
      "{\"model\":\"fake-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Rain\"}],"
          + "\"temperature\":0.25,\"max_tokens\":64}";

  private FakeOpenAi fake;

  /** Every call described, in order. */
  private static final class Tracing implements UpstreamListener {
    final List<UpstreamCall> calls = new CopyOnWriteArrayList<>();
    final boolean traces;

    Tracing(boolean traces) {
      this.traces = traces;
    }

    @Override
    public boolean traces() {
      return traces;
    }

    @Override
    public void traced(UpstreamCall call) {
      calls.add(call);
    }
  }

  @BeforeEach
  void start() throws Exception {
    fake = new FakeOpenAi();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private OpenAiEndpoint endpoint(int retries) {
    return new OpenAiEndpoint(
        EndpointSettings.builder()
            .baseUrl(fake.baseUrl())
            .apiKey("sk-traced-0123456789")
            .retries(retries)
            .backoff(Duration.ofMillis(10))
            .maxBackoff(Duration.ofMillis(50))
            .timeout(Duration.ofSeconds(10))
            .build());
  }

  private static String canonical() {
    return ChatRequest.parse("default", BODY).canonical();
  }

  @Test
  void aChatCallIsDescribedWithWhatItAskedAndWhatCameBack() throws Exception {
    fake.then(Reply.text("Rain on tin"));
    Tracing tracing = new Tracing(true);

    new ChatGenerator(endpoint(0), tracing).generate(canonical());

    assertThat(tracing.calls).hasSize(1);
    UpstreamCall call = tracing.calls.get(0);
    assertThat(call.asked())
        .isEqualTo(new UpstreamCall.Asked("fake-model", 0.25, 64L, fake.baseUrl()));
    assertThat(call.reply())
        .isEqualTo(
            new UpstreamCall.Reply(
                "chatcmpl-fake-1", "fake-model", List.of("stop"), new Usage(12, 34)));
    assertThat(call.outcome()).isEqualTo("ok");
    assertThat(call.status()).isEqualTo(200);
    assertThat(call.started()).isNotNull();
    assertThat(call.duration()).isPositive();
  }

  @Test
  void eachTryOfAFailingCallIsDescribedWithItsStatusAndNoReply() {
    fake.then(Reply.status(429, "0"), Reply.status(503, null));
    Tracing tracing = new Tracing(true);

    assertThatThrownBy(() -> new ChatGenerator(endpoint(1), tracing).generate(canonical()))
        .isInstanceOf(Exception.class);

    assertThat(tracing.calls)
        .extracting(UpstreamCall::outcome, UpstreamCall::status)
        .containsExactly(tuple("rate_limited", 429), tuple("server_error", 503));
    assertThat(tracing.calls).allSatisfy(call -> assertThat(call.reply()).isNull());
  }

  @Test
  void thePageGeneratorDescribesItsModelSettingsAndTheReply() throws Exception {
    fake.then(Reply.pages("Rain", "Drops."));
    Tracing tracing = new Tracing(true);
    OpenAiSettings settings =
        OpenAiSettings.builder()
            .endpoint(
                EndpointSettings.builder()
                    .baseUrl(fake.baseUrl())
                    .apiKey("sk-traced-0123456789")
                    .timeout(Duration.ofSeconds(10)))
            .model("fake-model")
            .temperature(0.5)
            .maxOutputTokens(300)
            .build();

    new OpenAiGenerator(settings, tracing).generate("Rain");

    UpstreamCall call = tracing.calls.get(0);
    assertThat(call.asked())
        .isEqualTo(new UpstreamCall.Asked("fake-model", 0.5, 300L, fake.baseUrl()));
    assertThat(call.reply())
        .isEqualTo(
            new UpstreamCall.Reply(
                "chatcmpl-fake-1", "fake-model", List.of("stop"), new Usage(12, 34)));
  }

  @Test
  void aListenerThatDoesNotTraceIsToldNothingOfIt() throws Exception {
    fake.then(Reply.text("Rain on tin"));
    Tracing quiet = new Tracing(false);

    new ChatGenerator(endpoint(0), quiet).generate(canonical());

    assertThat(quiet.calls).isEmpty();
  }
}
