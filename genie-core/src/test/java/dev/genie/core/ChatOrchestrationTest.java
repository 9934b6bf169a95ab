package dev.genie.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.core.Answer.Cache;
import dev.genie.core.chat.ChatRequest;
import dev.genie.core.generate.SampleGenerator;
import dev.genie.core.generate.Usage;
import dev.genie.persistence.Claim;
import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.PromptStore;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.StoredPrompt;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Chat completion requests through the orchestrator: one generation per request key, the stored
 * document answered byte for byte, the generator picked by the claimed prompt's profile, and a
 * failure that its waiters share and the next request retries.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChatOrchestrationTest {
  private static final String BODY =
      "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Rain\"}]}";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final ScriptedChatGenerator chat = new ScriptedChatGenerator();
  private final SampleGenerator pages = new SampleGenerator(Duration.ZERO);
  private Orchestrator orchestrator;

  @AfterEach
  void stop() {
    if (orchestrator != null) {
      orchestrator.shutdown(Duration.ofSeconds(1));
    }
  }

  private Orchestrator orchestrator(PromptStore store, OrchestratorSettings settings) {
    orchestrator =
        new Orchestrator(
            store, List.of(pages, chat), settings, Clock.systemUTC(), OrchestratorListener.NONE);
    orchestrator.start();
    return orchestrator;
  }

  private Orchestrator orchestrator() {
    return orchestrator(new FakePromptStore(), settings().build());
  }

  private static OrchestratorSettings.Builder settings() {
    return OrchestratorSettings.builder().instanceId("test").maxAttempts(2);
  }

  private Answer ask(String body) {
    return orchestrator.submitChat(ChatRequest.parse("default", body), budget, WAIT).join();
  }

  private final List<Usage> charged = new CopyOnWriteArrayList<>();
  private final GenerationBudget budget =
      new GenerationBudget() {
        @Override
        public boolean mayRefuse() {
          return false;
        }

        @Override
        public Reservation reserve(OptionalLong worstCase) {
          // What the model used; requests that generated nothing give back what they reserved.
          return used -> {
            if (used != null && !used.equals(Usage.NONE)) {
              charged.add(used);
            }
          };
        }
      };

  @Test
  void theCompletionIsStoredAsTheEndpointSentItAndAnsweredByteForByte() {
    orchestrator();

    Answer first = ask(BODY);
    Answer again = ask(BODY);
    Answer respaced =
        ask(
            "{ \"messages\" : [ { \"content\" : \"Rain\", \"role\" : \"user\" } ],\n"
                + " \"model\" : \"gpt-4o-mini\", \"stream\": false, \"user\": \"someone\" }");

    assertThat(first.cache()).isEqualTo(Cache.MISS);
    assertThat(again.cache()).isEqualTo(Cache.HIT);
    assertThat(respaced.cache()).isEqualTo(Cache.HIT);
    String document = first.state().result().envelope();
    assertThat(document).startsWith("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\"");
    assertThat(again.state().result().envelope()).isEqualTo(document);
    assertThat(respaced.state().result().envelope()).isEqualTo(document);
    assertThat(first.state().prompt().rawText()).isEqualTo(BODY);
    assertThat(first.state().prompt().profileId()).isEqualTo(ChatRequest.PROFILE_ID);
    assertThat(chat.requests)
        .containsExactly(
            "{\"messages\":[{\"content\":\"Rain\",\"role\":\"user\"}],\"model\":\"gpt-4o-mini\"}");
    assertThat(charged).containsExactly(new Usage(12, 34));
  }

  @Test
  void eachProfilesPromptsAreWrittenByItsOwnGenerator() {
    orchestrator();

    Answer page = orchestrator.submit("Rain");
    Answer completion = ask(BODY);

    assertThat(page.state().result().envelope()).startsWith("{\"version\":1,\"pages\":");
    assertThat(completion.state().result().envelope()).startsWith("{\"id\":\"chatcmpl-1\"");
    assertThat(completion.state().prompt().id()).isNotEqualTo(page.state().prompt().id());
    assertThat(chat.calls).hasValue(1);
  }

  @Test
  void aSweptChatResultIsWrittenByTheChatGenerator() throws Exception {
    FakePromptStore fake = new FakePromptStore();
    Claim orphan =
        fake.claim(
            ChatRequest.parse("default", BODY).prompt(),
            new LeaseTerms("dead", java.time.Instant.now().minusSeconds(3600), WAIT, 3));
    orchestrator(fake, settings().lease(Duration.ofMillis(100)).build());

    StoredPrompt done = fake.awaitStatus(orphan.state().prompt().id(), ResultStatus.COMPLETED);

    assertThat(done.result().envelope()).startsWith("{\"id\":\"chatcmpl-1\"");
    assertThat(chat.calls).hasValue(1);
  }

  @Test
  void waitersShareTheFailureWithItsStatusAndTheNextRequestGeneratesAgain() throws Exception {
    chat.then(429, 500, 503).hold();
    orchestrator();
    ChatRequest request = ChatRequest.parse("default", BODY);
    CompletableFuture<Answer> owner = orchestrator.submitChat(request, budget, WAIT);
    chat.blocked.await();
    CompletableFuture<Answer> waiter = orchestrator.submitChat(request, budget, WAIT);
    chat.release.countDown();

    for (CompletableFuture<Answer> caller : List.of(owner, waiter)) {
      assertThatThrownBy(caller::join)
          .hasCauseInstanceOf(GenerationFailedException.class)
          .cause()
          .satisfies(
              e -> {
                GenerationFailedException failed = (GenerationFailedException) e;
                assertThat(failed.failure().upstreamStatus()).isEqualTo(429);
                assertThat(failed.failure().retryAfter()).isEqualTo(Duration.ofSeconds(7));
              });
    }
    assertThat(chat.calls).as("the waiter did not generate again").hasValue(1);

    // Past GENIE_MAX_ATTEMPTS (2) too: a failed chat result is never final.
    for (int status : new int[] {500, 503}) {
      assertThatThrownBy(() -> ask(BODY))
          .cause()
          .isInstanceOfSatisfying(
              GenerationFailedException.class,
              e -> assertThat(e.failure().upstreamStatus()).isEqualTo(status));
    }
    Answer recovered = ask(BODY);

    assertThat(recovered.cache()).isEqualTo(Cache.MISS);
    assertThat(recovered.state().result().status()).isEqualTo(ResultStatus.COMPLETED);
    assertThat(recovered.state().result().attempts()).isEqualTo(4);
    assertThat(chat.calls).hasValue(4);
    assertThat(ask(BODY).cache()).isEqualTo(Cache.HIT);
  }
}
