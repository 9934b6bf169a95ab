package dev.genie.generator.openai;

import dev.genie.core.GeneratorUnavailableException;
import dev.genie.core.generate.Generation;
import dev.genie.core.generate.GenerationProfile;
import dev.genie.core.generate.Generator;
import dev.genie.core.generate.Page;
import dev.genie.core.generate.Usage;
import dev.genie.generator.openai.internal.Backoff;
import dev.genie.generator.openai.internal.RejectedReplyException;
import dev.genie.generator.openai.internal.Replies;
import dev.genie.generator.openai.internal.RetryAfterHttpClient;
import dev.genie.generator.openai.internal.UpstreamFailure;
import dev.genie.generator.openai.internal.UpstreamInterruptedException;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.catalog.ModelDescription;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiModelCatalog;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generates pages with a model behind an OpenAI-compatible {@code /chat/completions} endpoint.
 *
 * <p>Each generation makes up to {@code 1 + retries} calls: a transient failure (429, 408, 5xx, a
 * timeout, a reset) is retried after a jittered, capped pause that is never shorter than the
 * endpoint's {@code Retry-After}; any other failure, and a reply that is not usable pages (cut off,
 * refused, empty, malformed), ends the attempt at once. LangChain4j's own retries are off: they
 * ignore {@code Retry-After}. A circuit breaker over the transient failures makes new generations
 * fail fast with {@link GeneratorUnavailableException} while the endpoint is down; and at most
 * {@code concurrency} calls run at once, the others waiting their turn in order.
 */
public final class OpenAiGenerator implements Generator {
  public static final String NAME = "openai";
  private static final Logger log = LoggerFactory.getLogger(OpenAiGenerator.class);

  private final OpenAiSettings settings;
  private final UpstreamListener listener;
  private final RetryAfterHttpClient.Builder transport;
  private final ChatModel model;
  private final GenerationProfile profile;
  private final String instructions;
  private final CircuitBreaker breaker;
  private final Semaphore calls;
  private final Backoff backoff;
  private volatile long openedAtNanos;

  public OpenAiGenerator(OpenAiSettings settings, UpstreamListener listener) {
    this.settings = settings;
    this.listener = listener;
    this.transport = new RetryAfterHttpClient.Builder(Clock.systemUTC());
    boolean structured = settings.outputMode() == OutputMode.JSON_SCHEMA;
    OpenAiChatModel.OpenAiChatModelBuilder builder =
        OpenAiChatModel.builder()
            .httpClientBuilder(transport)
            .baseUrl(settings.baseUrl().toString())
            .apiKey(settings.apiKey())
            .modelName(settings.model())
            .temperature(settings.temperature())
            .maxTokens(settings.maxOutputTokens())
            .timeout(settings.timeout())
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
    this.breaker =
        CircuitBreaker.of(
            NAME,
            CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.breakerMinimumCalls())
                .minimumNumberOfCalls(settings.breakerMinimumCalls())
                .failureRateThreshold(settings.breakerFailureRate())
                .waitDurationInOpenState(settings.breakerOpenFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
    breaker
        .getEventPublisher()
        .onStateTransition(
            event -> {
              CircuitBreaker.State to = event.getStateTransition().getToState();
              if (to == CircuitBreaker.State.OPEN) {
                openedAtNanos = System.nanoTime();
              }
              log.warn(
                  "the {} endpoint's circuit breaker is now {}",
                  NAME,
                  to.name().toLowerCase(Locale.ROOT));
            });
    this.calls = new Semaphore(settings.concurrency(), true);
    this.backoff =
        new Backoff(
            settings.backoff(),
            settings.maxBackoff(),
            bound -> bound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(bound + 1));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public GenerationProfile profile() {
    return profile;
  }

  /** {@code closed}, {@code open} or {@code half_open}, as the metrics show it. */
  public String breakerState() {
    return breaker.getState().name().toLowerCase(Locale.ROOT);
  }

  @Override
  public Generation generate(String normalizedPrompt) throws Exception {
    ChatRequest request =
        ChatRequest.builder()
            .messages(SystemMessage.from(instructions), UserMessage.from(normalizedPrompt))
            .build();
    for (int retry = 0; ; retry++) {
      UpstreamFailure failure;
      try {
        return callOnce(request);
      } catch (FailedCall e) {
        failure = e.failure;
      }
      if (!failure.retryable()) {
        throw new UpstreamException(failure.message());
      }
      if (retry >= settings.retries()) {
        throw new UpstreamException(
            failure.message()
                + " (after "
                + (retry + 1)
                + (retry == 0 ? " call" : " calls")
                + "; OpenAiSettings.retries="
                + settings.retries()
                + ")");
      }
      var pause = backoff.before(retry, failure.requestedWait());
      if (pause.isEmpty()) {
        throw new UpstreamException(
            failure.message()
                + " (it asked to retry after "
                + failure.requestedWait().orElseThrow().toSeconds()
                + " s, longer than Genie waits within one attempt)");
      }
      Thread.sleep(pause.get().toMillis());
    }
  }

  /** One call, within the limit of calls at once and as the breaker permits. */
  private Generation callOnce(ChatRequest request)
      throws FailedCall, UpstreamException, InterruptedException {
    calls.acquire();
    try {
      if (!breaker.tryAcquirePermission()) {
        listener.called("unavailable", 0, Duration.ZERO);
        throw unavailable();
      }
      long started = System.nanoTime();
      ChatResponse response;
      try {
        response = model.chat(request);
      } catch (RuntimeException e) {
        if (Thread.interrupted() || causedBy(e, UpstreamInterruptedException.class)) {
          breaker.releasePermission();
          throw new InterruptedException("interrupted while waiting for the endpoint");
        }
        long took = System.nanoTime() - started;
        UpstreamFailure failure = UpstreamFailure.of(e, settings.apiKey(), settings.timeout());
        if (failure.retryable()) {
          breaker.onError(took, TimeUnit.NANOSECONDS, e);
        } else {
          breaker.onSuccess(took, TimeUnit.NANOSECONDS); // it answered: it is up
        }
        listener.called(failure.outcome(), failure.status(), Duration.ofNanos(took));
        throw new FailedCall(failure);
      }
      long took = System.nanoTime() - started;
      breaker.onSuccess(took, TimeUnit.NANOSECONDS);
      try {
        Generation generation = accept(response);
        listener.called("ok", 200, Duration.ofNanos(took));
        return generation;
      } catch (RejectedReplyException e) {
        listener.called("rejected", 200, Duration.ofNanos(took));
        throw new UpstreamException(e.getMessage());
      }
    } finally {
      calls.release();
    }
  }

  /** A call that failed; the loop decides whether to retry. */
  private static final class FailedCall extends Exception {
    private final transient UpstreamFailure failure;

    FailedCall(UpstreamFailure failure) {
      super(failure.message(), null, false, false);
      this.failure = failure;
    }
  }

  /**
   * Asks the endpoint for its models ({@code GET /models}) without generating anything.
   *
   * @throws UpstreamException when it cannot be reached or refuses the key
   */
  public ModelCheck check() throws UpstreamException {
    try {
      List<ModelDescription> models =
          OpenAiModelCatalog.builder()
              .httpClientBuilder(transport)
              .baseUrl(settings.baseUrl().toString())
              .apiKey(settings.apiKey())
              .connectTimeout(settings.timeout())
              .readTimeout(settings.timeout())
              .build()
              .listModels();
      List<String> names = models.stream().map(ModelDescription::name).toList();
      return new ModelCheck(settings.model(), names.stream().anyMatch(this::namesTheModel), names);
    } catch (RuntimeException e) {
      throw new UpstreamException(
          "could not list the models at OpenAiSettings.baseUrl="
              + settings.baseUrl()
              + ": "
              + UpstreamFailure.of(e, settings.apiKey(), settings.timeout()).message());
    }
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

  private Generation accept(ChatResponse response) throws RejectedReplyException {
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
    Replies.requireFinished(finish);
    String content = response.aiMessage() == null ? null : response.aiMessage().text();
    List<Page> pages =
        settings.outputMode() == OutputMode.JSON_SCHEMA
            ? Replies.structured(content)
            : Replies.text(content);
    String modelName = response.modelName() == null ? settings.model() : response.modelName();
    return new Generation(modelName, pages, usage, finish == null ? null : "stop");
  }

  private GeneratorUnavailableException unavailable() {
    Duration retryAfter = Duration.ofSeconds(1);
    if (breaker.getState() == CircuitBreaker.State.OPEN) {
      Duration open = Duration.ofNanos(System.nanoTime() - openedAtNanos);
      Duration left = settings.breakerOpenFor().minus(open);
      if (left.compareTo(retryAfter) > 0) {
        retryAfter = left;
      }
    }
    return new GeneratorUnavailableException(
        "the model's endpoint keeps failing, so Genie takes no new generations for now; completed"
            + " prompts are still served",
        retryAfter);
  }

  private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
