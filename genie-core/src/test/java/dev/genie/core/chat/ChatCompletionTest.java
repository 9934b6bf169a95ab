package dev.genie.core.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.core.generate.Usage;
import dev.genie.persistence.Prompt;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ChatCompletionTest {
  private static final String COMPLETION =
      "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion\",\"created\":1700000000,"
          + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":"
          + "{\"role\":\"assistant\",\"content\":\"Rain on tin\",\"refusal\":null},"
          + "\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,"
          + "\"completion_tokens\":34,\"total_tokens\":46},\"system_fingerprint\":\"fp_1\"}";

  @Test
  void readsWhatTheViewsAndTheMetricsNeed() {
    ChatCompletion completion = ChatCompletion.parse(COMPLETION);

    assertThat(completion.model()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(completion.created()).isEqualTo(Instant.ofEpochSecond(1_700_000_000));
    assertThat(completion.content()).isEqualTo("Rain on tin");
    assertThat(completion.finishReason()).isEqualTo("stop");
    assertThat(completion.usage()).isEqualTo(new Usage(12, 34));
    assertThat(ChatCompletion.usageOf(COMPLETION)).contains(new Usage(12, 34));
  }

  @Test
  void aCompletionWithoutUsageOrContentIsStillOne() {
    ChatCompletion toolCall =
        ChatCompletion.parse(
            "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":null,"
                + "\"tool_calls\":[]},\"finish_reason\":\"tool_calls\"}]}");

    assertThat(toolCall.content()).isNull();
    assertThat(toolCall.usage()).isNull();
    assertThat(toolCall.finishReason()).isEqualTo("tool_calls");
  }

  @Test
  void whatIsNotACompletionIsRefused() {
    assertThatThrownBy(() -> ChatCompletion.parse("[]"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChatCompletion.parse("{\"object\":\"list\"}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChatCompletion.parse("<html>"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ChatCompletion.usageOf("{\"version\":1,\"pages\":[]}")).isEmpty();
  }

  @Test
  void aChatItemIsTitledByItsLastUserMessage() {
    ChatRequest request =
        ChatRequest.parse(
            "team-a",
            "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"first\"},"
                + "{\"role\":\"assistant\",\"content\":\"answer\"},{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"text\",\"text\":\"look at\"},{\"type\":\"image_url\",\"image_url\":"
                + "{\"url\":\"https://example.org/a.png\"}},{\"type\":\"text\",\"text\":\"this\"}]}]}");
    Prompt stored = request.prompt().stored("id-1", Instant.EPOCH);

    assertThat(ChatRequest.isChat(stored)).isTrue();
    assertThat(ChatItem.of(stored)).isEqualTo(new ChatItem("gpt-4o", "look at\nthis"));
    assertThat(stored.namespace()).isEqualTo("team-a");
    assertThat(stored.normalizedText()).isEqualTo(request.canonical());
  }
}
