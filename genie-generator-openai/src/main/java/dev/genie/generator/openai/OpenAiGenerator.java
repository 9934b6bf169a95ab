package dev.genie.generator.openai;

import dev.genie.core.GeneratorUnavailableException;
import dev.genie.core.generate.Generation;
import dev.genie.core.generate.GenerationProfile;
import dev.genie.core.generate.Generator;
import dev.genie.core.generate.Page;
import dev.genie.core.generate.Usage;
import dev.genie.generator.openai.internal.ChatCalls;
import dev.genie.generator.openai.internal.RejectedReplyException;
import dev.genie.generator.openai.internal.Replies;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Generates pages with a model behind an OpenAI-compatible {@code /chat/completions} endpoint.
 *
 * <p>Each generation is one call under the {@link OpenAiEndpoint}'s policy (retries that honour
 * {@code Retry-After}, the circuit breaker, the limit of calls at once); a reply that is not usable
 * pages (cut off, refused, empty, malformed) ends the attempt at once. LangChain4j's own retries
 * are off: they ignore {@code Retry-After}.
 */
public final class OpenAiGenerator implements Generator {
  public static final String NAME = "openai";

  private final OpenAiSettings settings;
  private final OpenAiEndpoint endpoint;
  private final UpstreamListener listener;
  private final ChatModel model;
  private final GenerationProfile profile;
  private final String instructions;

  /** A generator with an endpoint of its own. */
  public OpenAiGenerator(OpenAiSettings settings, UpstreamListener listener) {
    this(settings, new OpenAiEndpoint(settings.endpoint()), listener);
  }

  /**
   * A generator that calls {@code endpoint}, sharing its limit of calls at once and its breaker
   * with every other generator that calls it.
   */
  public OpenAiGenerator(
      OpenAiSettings settings, OpenAiEndpoint endpoint, UpstreamListener listener) {
    this.settings = settings;
    this.endpoint = endpoint;
    this.listener = listener;
    boolean structured = settings.outputMode() == OutputMode.JSON_SCHEMA;
    OpenAiChatModel.OpenAiChatModelBuilder builder =
        OpenAiChatModel.builder()
            .httpClientBuilder(endpoint.transport())
            .baseUrl(endpoint.settings().baseUrl().toString())
            .apiKey(endpoint.settings().apiKey())
            .modelName(settings.model())
            .temperature(settings.temperature())
            .maxTokens(settings.maxOutputTokens())
            .timeout(endpoint.settings().timeout())
            .maxRetries(0)
            .logRequests(false)
            .logResponses(false);
    if (structured) {
      builder.responseFormat(Replies.PAGES_FORMAT).strictJsonSchema(true);
    }
    this.model = builder.build();
    this.profile =
        new GenerationProfile(
            NAME,
            settings.model(),
            settings.temperature(),
            settings.maxOutputTokens(),
            settings.systemPrompt(),
            settings.outputMode().wireName(),
            Replies.TEMPLATE_VERSION);
    this.instructions =
        settings.systemPrompt()
            + "\n\n"
            + (structured ? Replies.STRUCTURED_INSTRUCTIONS : Replies.TEXT_INSTRUCTIONS);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public GenerationProfile profile() {
    return profile;
  }

  /**
   * The instructions and the prompt as estimated, plus the output-token limit; empty without a
   * limit ({@code OpenAiSettings.maxOutputTokens}), when the model may write any length.
   */
  @Override
  public OptionalLong worstCaseTokens(String normalizedPrompt) {
    Integer output = settings.maxOutputTokens();
    return output == null
        ? OptionalLong.empty()
        : OptionalLong.of(Usage.estimate(instructions) + Usage.estimate(normalizedPrompt) + output);
  }

  /** {@code closed}, {@code open} or {@code half_open}, as the metrics show it. */
  public String breakerState() {
    return endpoint.breakerState();
  }

  /**
   * @throws UpstreamException when the attempt failed
   * @throws GeneratorUnavailableException when the endpoint's breaker is open
   */
  @Override
  public Generation generate(String normalizedPrompt) throws Exception {
    ChatRequest request =
        ChatRequest.builder()
            .messages(SystemMessage.from(instructions), UserMessage.from(normalizedPrompt))
            .build();
    return endpoint.call(
        listener,
        () ->
            new UpstreamCall.Asked(
                settings.model(),
                settings.temperature(),
                settings.maxOutputTokens() == null ? null : settings.maxOutputTokens().longValue(),
                endpoint.settings().baseUrl()),
        replied -> accept(model.chat(request), replied));
  }

  /**
   * Asks the endpoint for its models ({@code GET /models}) without generating anything.
   *
   * @throws UpstreamException when it cannot be reached or refuses the key
   */
  public ModelCheck check() throws UpstreamException {
    List<String> names = endpoint.models().stream().map(OpenAiEndpoint.Model::id).toList();
    return new ModelCheck(settings.model(), names.stream().anyMatch(this::namesTheModel), names);
  }

  /**
   * Whether a name the endpoint lists is the configured model: the same, or the same under a prefix
   * ({@code models/gemini-2.5-flash}), or with the tag {@code latest} that Ollama reads into a name
   * without one ({@code llama3.2:latest}).
   */
  private boolean namesTheModel(String listed) {
    String model = settings.model();
    return listed.equals(model)
        || listed.endsWith("/" + model)
        || (!model.contains(":") && listed.equals(model + ":latest"));
  }

  private Generation accept(ChatResponse response, Consumer<UpstreamCall.Reply> replied)
      throws RejectedReplyException {
    TokenUsage tokens = response.tokenUsage();
    Usage usage = null;
    if (tokens != null) {
      usage =
          new Usage(
              tokens.inputTokenCount() == null ? 0 : tokens.inputTokenCount(),
              tokens.outputTokenCount() == null ? 0 : tokens.outputTokenCount());
      listener.tokens(usage.promptTokens(), usage.completionTokens());
    }
    FinishReason finish = response.finishReason();
    if (listener.traces()) {
      replied.accept(
          new UpstreamCall.Reply(
              response.id(),
              response.modelName(),
              finish == null ? List.of() : List.of(ChatCalls.wireName(finish)),
              usage));
    }
    String content = response.aiMessage() == null ? null : response.aiMessage().text();
    List<Page> pages;
    try {
      Replies.requireFinished(finish);
      pages =
          settings.outputMode() == OutputMode.JSON_SCHEMA
              ? Replies.structured(content)
              : Replies.text(content);
    } catch (RejectedReplyException e) {
      throw e.using(usage); // a reply cut off or unusable was written all the same: charged
    }
    String modelName = response.modelName() == null ? settings.model() : response.modelName();
    return new Generation(modelName, pages, usage, finish == null ? null : "stop");
  }
}
