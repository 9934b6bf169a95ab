package dev.genie.core.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.core.CoreErrorCode;
import dev.genie.core.InvalidPromptException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChatRequestTest {
  private static final String MESSAGES =
      "\"messages\":[{\"role\":\"user\",\"content\":\"Write a haiku about rain\"}]";
  private static final String BASE = "{\"model\":\"gpt-4o-mini\"," + MESSAGES;

  private static String key(String body) {
    return ChatRequest.parse("default", body).key();
  }

  private static String with(String member) {
    return BASE + "," + member + "}";
  }

  /** Every member that can change the answer, each set two ways that must be two requests. */
  static Stream<Arguments> keptMembers() {
    return Stream.of(
        Arguments.of("\"model\":\"gpt-4o\"", "\"model\":\"gpt-4o-2024-08-06\""),
        Arguments.of(
            "\"messages\":[{\"role\":\"user\",\"content\":\"Write a haiku about rain\"}]",
            "\"messages\":[{\"role\":\"user\",\"content\":\"Write a haiku about rain \"}]"),
        Arguments.of(
            "\"messages\":[{\"role\":\"system\",\"content\":\"Be brief\"}]",
            "\"messages\":[{\"role\":\"developer\",\"content\":\"Be brief\"}]"),
        Arguments.of("\"temperature\":0.2", "\"temperature\":0.7"),
        Arguments.of("\"top_p\":0.9", "\"top_p\":1"),
        Arguments.of("\"max_tokens\":100", "\"max_tokens\":101"),
        Arguments.of("\"max_completion_tokens\":100", "\"max_completion_tokens\":200"),
        Arguments.of("\"n\":1", "\"n\":2"),
        Arguments.of("\"seed\":9007199254740993", "\"seed\":9007199254740992"),
        Arguments.of("\"stop\":[\"\\n\"]", "\"stop\":[\"END\"]"),
        Arguments.of(
            "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"a\"}}]",
            "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"b\"}}]"),
        Arguments.of("\"tool_choice\":\"auto\"", "\"tool_choice\":\"none\""),
        Arguments.of(
            "\"response_format\":{\"type\":\"text\"}",
            "\"response_format\":{\"type\":\"json_object\"}"),
        Arguments.of("\"logit_bias\":{\"50256\":-100}", "\"logit_bias\":{\"50256\":100}"),
        Arguments.of("\"presence_penalty\":0", "\"presence_penalty\":0.5"),
        Arguments.of("\"frequency_penalty\":0", "\"frequency_penalty\":0.5"),
        Arguments.of("\"logprobs\":false", "\"logprobs\":true"),
        Arguments.of("\"top_logprobs\":1", "\"top_logprobs\":2"),
        Arguments.of("\"parallel_tool_calls\":true", "\"parallel_tool_calls\":false"),
        Arguments.of("\"reasoning_effort\":\"low\"", "\"reasoning_effort\":\"high\""),
        Arguments.of("\"modalities\":[\"text\"]", "\"modalities\":[\"text\",\"audio\"]"),
        Arguments.of("\"verbosity\":\"low\"", "\"verbosity\":\"high\""),
        Arguments.of(
            "\"prediction\":{\"type\":\"content\",\"content\":\"a\"}",
            "\"prediction\":{\"type\":\"content\",\"content\":\"b\"}"),
        Arguments.of("\"a_member_genie_does_not_know\":1", "\"a_member_genie_does_not_know\":2"));
  }

  @ParameterizedTest
  @MethodSource("keptMembers")
  void changingAKeptMemberChangesTheKey(String one, String other) {
    assertThat(key(request(one))).isNotEqualTo(key(request(other)));
  }

  /** The base request with {@code member} in place of its own, or added. */
  private static String request(String member) {
    if (member.startsWith("\"model\"")) {
      return "{" + member + "," + MESSAGES + "}";
    }
    if (member.startsWith("\"messages\"")) {
      return "{\"model\":\"gpt-4o-mini\"," + member + "}";
    }
    return with(member);
  }

  static Stream<String> leftOutMembers() {
    return Stream.of(
        "\"stream\":true",
        "\"stream_options\":{\"include_usage\":true}",
        "\"user\":\"user-1234\"",
        "\"metadata\":{\"team\":\"a\"}",
        "\"store\":true",
        "\"service_tier\":\"flex\"",
        "\"safety_identifier\":\"hash-of-user\"",
        "\"prompt_cache_key\":\"k\"",
        "\"prompt_cache_retention\":\"24h\"");
  }

  @ParameterizedTest
  @MethodSource("leftOutMembers")
  void aLeftOutMemberLeavesTheKeyAlone(String member) {
    assertThat(key(with(member))).isEqualTo(key(BASE + "}"));
  }

  @Test
  void everyLeftOutMemberIsTested() {
    assertThat(leftOutMembers().map(member -> member.substring(1, member.indexOf('"', 1))))
        .containsExactlyInAnyOrderElementsOf(ChatRequest.LEFT_OUT);
  }

  @Test
  void theNamespaceIsPartOfTheKey() {
    String body = BASE + "}";
    assertThat(ChatRequest.parse("team-a", body).key())
        .isNotEqualTo(ChatRequest.parse("team-b", body).key())
        .isNotEqualTo(key(body));
  }

  @Test
  void readsWhatTheCallerAskedFor() {
    ChatRequest request =
        ChatRequest.parse(
            "team-a", with("\"stream\":true,\"stream_options\":{\"include_usage\":true}"));

    assertThat(request.model()).isEqualTo("gpt-4o-mini");
    assertThat(request.stream()).isTrue();
    assertThat(request.includeUsage()).isTrue();
    assertThat(request.namespace()).isEqualTo("team-a");
    assertThat(request.canonical())
        .isEqualTo(
            "{\"messages\":[{\"content\":\"Write a haiku about rain\",\"role\":\"user\"}],"
                + "\"model\":\"gpt-4o-mini\"}");
    assertThat(ChatRequest.parse("team-a", BASE + "}").stream()).isFalse();
  }

  @ParameterizedTest
  @MethodSource("invalidBodies")
  void refusesABodyThatIsNoChatRequest(String body, String why) {
    assertThatThrownBy(() -> ChatRequest.parse("default", body))
        .isInstanceOfSatisfying(
            InvalidPromptException.class,
            e -> assertThat(e.code()).isEqualTo(CoreErrorCode.INVALID_REQUEST))
        .hasMessageContaining(why);
  }

  static Stream<Arguments> invalidBodies() {
    return Stream.of(
        Arguments.of("[]", "JSON object"),
        Arguments.of("{\"model\":\"m\"", "not valid JSON"),
        Arguments.of("{" + MESSAGES + "}", "'model'"),
        Arguments.of("{\"model\":\"\"," + MESSAGES + "}", "'model'"),
        Arguments.of("{\"model\":\"m\",\"messages\":[]}", "'messages'"),
        Arguments.of("{\"model\":\"m\",\"messages\":\"hi\"}", "'messages'"),
        Arguments.of(with("\"stream\":\"yes\""), "'stream'"),
        Arguments.of("{\"model\":\"m\",\"model\":\"n\"," + MESSAGES + "}", "not valid JSON"));
  }
}
