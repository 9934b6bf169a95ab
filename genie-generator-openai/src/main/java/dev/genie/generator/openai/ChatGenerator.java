package dev.genie.generator.openai;

import dev.genie.core.GeneratorUnavailableException;
import dev.genie.core.chat.ChatCompletion;
import dev.genie.core.chat.ChatRequest;
import dev.genie.core.generate.Generation;
import dev.genie.core.generate.GenerationException;
import dev.genie.core.generate.GenerationProfile;
import dev.genie.core.generate.Generator;
import dev.genie.core.generate.Usage;
import dev.genie.generator.openai.internal.ChatCalls;
import dev.genie.generator.openai.internal.RejectedReplyException;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Answers chat completion requests of the OpenAI-compatible surface: posts the request's canonical
 * JSON (the members that only change delivery left out, {@code stream} among them) to {@code
 * {baseUrl}/chat/completions} with the endpoint's key, under the {@link OpenAiEndpoint}'s policy,
 * and keeps the endpoint's {@code 200} body as it came: every caller of the result gets those
 * bytes. Anything else fails the attempt with the endpoint's status, in Genie's own words.
 */
public final class ChatGenerator implements Generator {
  private static final String PATH = "/chat/completions";

  private final OpenAiEndpoint endpoint;
  private final UpstreamListener listener;
  private final Integer outputLimit;

  public ChatGenerator(OpenAiEndpoint endpoint, UpstreamListener listener) {
    this(endpoint, listener, null);
  }

  /**
   * @param outputLimit the output-token limit assumed for a request that names none ({@code
   *     OpenAiSettings.maxOutputTokens}), or null for none
   */
  public ChatGenerator(OpenAiEndpoint endpoint, UpstreamListener listener, Integer outputLimit) {
    this.endpoint = endpoint;
    this.listener = listener;
    this.outputLimit = outputLimit;
  }

  /**
   * The request as estimated plus its output limit ({@code max_completion_tokens}, else {@code
   * max_tokens}, else the configured limit) for each of its {@code n} choices; empty when none
   * bounds the output.
   */
  @Override
  public OptionalLong worstCaseTokens(String canonical) {
    OptionalLong limit = ChatRequest.outputLimit(canonical);
    if (limit.isEmpty() && outputLimit != null) {
      limit = OptionalLong.of((long) outputLimit * ChatRequest.choices(canonical));
    }
    return limit.isEmpty() ? limit : OptionalLong.of(Usage.estimate(canonical) + limit.getAsLong());
  }

  @Override
  public String name() {
    return OpenAiGenerator.NAME;
  }

  @Override
  public GenerationProfile profile() {
    return ChatRequest.PROFILE;
  }

  /**
   * @param canonical the request's canonical JSON ({@link ChatRequest#canonical()})
   * @throws GenerationException with the endpoint's status when it answered anything but a
   *     completion
   * @throws GeneratorUnavailableException when the endpoint's breaker is open
   */
  @Override
  public Generation generate(String canonical) throws Exception {
    try {
      return endpoint.call(
          listener,
          () -> ChatCalls.asked(canonical, endpoint.settings().baseUrl()),
          replied -> accept(endpoint.post(PATH, canonical), replied));
    } catch (UpstreamException e) {
      // The endpoint's own text stays here: callers are told its status in Genie's words.
      throw e.upstreamStatus() == 0 || e.upstreamStatus() == 200
          ? e
          : new GenerationException(
              "the model's endpoint answered HTTP " + e.upstreamStatus(),
              e.upstreamStatus(),
              e.retryAfter());
    }
  }

  private Generation accept(SuccessfulHttpResponse response, Consumer<UpstreamCall.Reply> replied)
      throws RejectedReplyException {
    if (response.statusCode() != 200) {
      throw new RejectedReplyException(
          "the model's endpoint answered HTTP " + response.statusCode() + " instead of 200");
    }
    String body = utf8(response.bodyBytes());
    ChatCompletion completion;
    try {
      completion = ChatCompletion.parse(body);
    } catch (IllegalArgumentException e) {
      throw new RejectedReplyException(
          "the model's endpoint answered 200 with something other than a chat completion: "
              + e.getMessage());
    }
    if (completion.usage() != null) {
      listener.tokens(completion.usage().promptTokens(), completion.usage().completionTokens());
    }
    if (listener.traces()) {
      replied.accept(ChatCalls.reply(body, completion.usage()));
    }
    return Generation.document(
        completion.model(), body, completion.usage(), completion.finishReason());
  }

  private static String utf8(byte[] bytes) throws RejectedReplyException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new RejectedReplyException("the model's endpoint answered 200 with text not in UTF-8");
    }
  }
}
