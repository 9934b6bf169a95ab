package dev.genie.http.internal.openai;

import dev.genie.core.Answer;
import dev.genie.core.Answer.Outcome;
import dev.genie.core.CoreErrorCode;
import dev.genie.core.GenerationFailedException;
import dev.genie.core.GenieException;
import dev.genie.core.Orchestrator;
import dev.genie.core.chat.ChatRequest;
import dev.genie.generator.openai.OpenAiEndpoint;
import dev.genie.generator.openai.UpstreamException;
import dev.genie.http.internal.accesslog.AuditHandler;
import dev.genie.http.internal.auth.Caller;
import dev.genie.http.internal.errors.HttpErrorCode;
import dev.genie.http.internal.errors.HttpErrors;
import dev.genie.http.internal.exchange.BodyHandler;
import dev.genie.http.internal.exchange.Responses;
import dev.genie.http.internal.json.Json;
import dev.genie.http.internal.json.RequestBodies;
import dev.genie.http.internal.limits.CallerLimits;
import dev.genie.http.internal.limits.WaitingRequests;
import dev.genie.http.internal.prompts.PromptHandlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.PathTemplateMatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI-compatible surface: {@code POST /v1/chat/completions}, answered through the
 * orchestrator's single flight with the completion as the model's endpoint sent it, and {@code GET
 * /v1/models} with {@code GET /v1/models/{id}}, the models callers may ask for. It is served when a
 * model endpoint is configured; otherwise every route says which setting turns it on.
 */
public final class ChatHandlers {
  private static final Logger log = LoggerFactory.getLogger(ChatHandlers.class);

  /** The stored item that answered, also on a failed generation's error. */
  public static final HttpString GENIE_PROMPT_ID = new HttpString("Genie-Prompt-Id");

  /** What {@code GET /v1/models} says of a model named in {@code GENIE_OPENAI_MODELS}. */
  private static final String OFFERED_BY = "genie";

  private final Orchestrator orchestrator;
  private final Optional<OpenAiEndpoint> endpoint;
  private final List<String> models;
  private final WaitingRequests waiting;
  private final CallerLimits limits;

  /**
   * @param endpoint the model endpoint; empty when none is configured and the surface is off
   * @param models the models callers may ask for; empty for any the endpoint has
   * @param limits the callers' budgets, or null when keys are off
   */
  public ChatHandlers(
      Orchestrator orchestrator,
      Optional<OpenAiEndpoint> endpoint,
      List<String> models,
      WaitingRequests waiting,
      CallerLimits limits) {
    this.orchestrator = orchestrator;
    this.endpoint = endpoint;
    this.models = List.copyOf(models);
    this.waiting = waiting;
    this.limits = limits;
  }

  /**
   * {@code POST /v1/chat/completions}: 200 with the stored completion, byte for byte the same for
   * every caller of one result, with {@code Genie-Cache} and {@code Genie-Prompt-Id}; a caller
   * waits up to {@code GENIE_GENERATION_TIMEOUT_MS}, parked, then gets 504 while the generation
   * goes on.
   */
  public BodyHandler completions() {
    return (exchange, body) -> {
      OpenAiEndpoint on = requireOn();
      RequestBodies.requireJson(exchange);
      Caller caller = Caller.of(exchange);
      ChatRequest request = ChatRequest.parse(caller.namespace(), RequestBodies.utf8(body));
      exchange.putAttachment(AuditHandler.PROMPT_TEXT, request.canonical());
      if (request.stream()) {
        throw new GenieException(
            CoreErrorCode.INVALID_REQUEST,
            "streamed answers are not served yet: send \"stream\": false, or leave it out");
      }
      requireOffered(request.model());
      if (!waiting.enter()) {
        waiting.leave();
        throw new GenieException(
            CoreErrorCode.OVERLOADED,
            "too many requests are waiting for results (GENIE_MAX_WAITING_REQUESTS); retry shortly");
      }
      Duration wait = on.settings().timeout();
      CompletableFuture<Answer> answer;
      try {
        answer = orchestrator.submitChat(request, PromptHandlers.budget(limits, caller), wait);
      } catch (RuntimeException e) {
        waiting.leave();
        throw e;
      }
      waiting.answerWhenSettled(exchange, answer, (done, settled) -> answered(done, settled, wait));
    };
  }

  private static void answered(
      HttpServerExchange exchange, CompletableFuture<Answer> settled, Duration wait) {
    try {
      Answer answer = settled.join();
      String promptId = answer.state().prompt().id();
      exchange.putAttachment(AuditHandler.PROMPT_ID, promptId);
      exchange.getResponseHeaders().put(GENIE_PROMPT_ID, promptId);
      if (answer.outcome() == Outcome.PENDING) {
        throw new GenieException(
            HttpErrorCode.GENERATION_TIMEOUT,
            "the completion was not ready within GENIE_GENERATION_TIMEOUT_MS ("
                + wait.toMillis()
                + " ms); it is still being generated, and the same request sent again gets it");
      }
      exchange.getResponseHeaders().put(PromptHandlers.GENIE_CACHE, answer.cache().wireName());
      Responses.json(exchange, answer.state().result().envelope().getBytes(StandardCharsets.UTF_8));
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof GenerationFailedException failed) {
        exchange.putAttachment(AuditHandler.PROMPT_ID, failed.promptId());
      }
      HttpErrors.send(exchange, cause);
    } catch (RuntimeException e) {
      HttpErrors.send(exchange, e);
    }
  }

  /** {@code GET /v1/models}: exactly the models callers may ask for. */
  public HttpHandler models() {
    return exchange -> Responses.json(exchange, Json.models(offered(requireOn())));
  }

  /** {@code GET /v1/models/{id}}, the id with one slash or none ({@code org/model}). */
  public HttpHandler model() {
    return exchange -> {
      OpenAiEndpoint on = requireOn();
      PathTemplateMatch match = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
      String owner = match.getParameters().get("owner");
      String id = (owner == null ? "" : owner + "/") + match.getParameters().get("id");
      OpenAiEndpoint.Model model =
          offered(on).stream()
              .filter(offered -> offered.id().equals(id))
              .findFirst()
              .orElseThrow(() -> notOffered(id));
      Responses.json(exchange, Json.model(model));
    };
  }

  private OpenAiEndpoint requireOn() {
    return endpoint.orElseThrow(
        () ->
            new GenieException(
                HttpErrorCode.NOT_FOUND,
                "the OpenAI-compatible surface is off: it is served when a model endpoint is"
                    + " configured (GENIE_OPENAI_API_KEY, and GENIE_OPENAI_BASE_URL)"));
  }

  private void requireOffered(String model) {
    if (!models.isEmpty() && !models.contains(model)) {
      throw notOffered(model);
    }
  }

  private List<OpenAiEndpoint.Model> offered(OpenAiEndpoint on) {
    if (!models.isEmpty()) {
      return models.stream().map(id -> new OpenAiEndpoint.Model(id, 0, OFFERED_BY)).toList();
    }
    try {
      return on.models();
    } catch (UpstreamException e) {
      log.warn("could not list the model endpoint's models: {}", e.getMessage());
      throw new GenieException(
          HttpErrorCode.UPSTREAM_FAILED,
          "the model endpoint's list of models could not be read"
              + (e.upstreamStatus() == 0 ? "" : " (HTTP " + e.upstreamStatus() + ")"));
    }
  }

  private static GenieException notOffered(String model) {
    String shown = model.length() <= 64 ? model : model.substring(0, 64) + "…";
    return new GenieException(
        HttpErrorCode.MODEL_NOT_FOUND,
        "the model '" + shown + "' is not offered here; GET /v1/models lists those that are");
  }
}
