package dev.genie.http.internal.prompts;

import dev.genie.core.Answer;
import dev.genie.core.Answer.Cache;
import dev.genie.core.Answer.Outcome;
import dev.genie.core.GenerationBudget;
import dev.genie.core.GenieException;
import dev.genie.core.Orchestrator;
import dev.genie.http.internal.accesslog.AuditHandler;
import dev.genie.http.internal.auth.Caller;
import dev.genie.http.internal.errors.HttpErrorCode;
import dev.genie.http.internal.errors.HttpErrors;
import dev.genie.http.internal.exchange.BodyHandler;
import dev.genie.http.internal.exchange.Responses;
import dev.genie.http.internal.exchange.Routes;
import dev.genie.http.internal.json.Json;
import dev.genie.http.internal.json.RequestBodies;
import dev.genie.http.internal.limits.CallerLimits;
import dev.genie.http.internal.limits.WaitingRequests;
import dev.genie.persistence.PageCursor;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.StoredPrompt;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.time.Duration;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** The prompt routes: submit, read one, list. */
public final class PromptHandlers {
  static final int DEFAULT_PAGE_SIZE = 20;
  static final int MAX_PAGE_SIZE = 100;

  /** As long as the orchestrator's wait timeout allows. */
  private static final Duration MAX_WAIT = Duration.ofDays(1);

  /** How much of an unknown id an error message repeats. */
  private static final int ID_ECHO_CHARS = 64;

  /** Where an answer came from: a stored result, this request's generation, or another's. */
  public static final HttpString GENIE_CACHE = new HttpString("Genie-Cache");

  private final Orchestrator orchestrator;
  private final WaitingRequests waiting;
  private final CallerLimits limits;

  /**
   * @param waiting the places of requests parked waiting for a result ({@code
   *     GENIE_MAX_WAITING_REQUESTS})
   * @param limits the callers' budgets, or null when keys are off
   */
  public PromptHandlers(Orchestrator orchestrator, WaitingRequests waiting, CallerLimits limits) {
    this.orchestrator = orchestrator;
    this.waiting = waiting;
    this.limits = limits;
  }

  /**
   * {@code POST /prompts}: 201 when this request created it, 200 when it existed, 202 pending. A
   * request whose result is pending is parked until it settles or its wait ends: it holds no thread
   * meanwhile, only one of {@code GENIE_MAX_WAITING_REQUESTS} places; with none free, it is
   * answered at once, 202 when the result is pending.
   */
  public BodyHandler submit() {
    return (exchange, body) -> {
      RequestBodies.requireJson(exchange);
      String prompt = PromptRequest.prompt(body);
      exchange.putAttachment(AuditHandler.PROMPT_TEXT, prompt);
      Caller caller = Caller.of(exchange);
      boolean place = waiting.enter();
      CompletableFuture<Answer> answer;
      try {
        answer =
            orchestrator.submitAsync(
                caller.namespace(),
                prompt,
                budget(limits, caller),
                place ? MAX_WAIT : Duration.ZERO);
      } catch (RuntimeException e) {
        waiting.leave();
        throw e;
      }
      waiting.answerWhenSettled(exchange, answer, PromptHandlers::answered);
    };
  }

  /** What generations started for {@code caller} are charged to. */
  public static GenerationBudget budget(CallerLimits limits, Caller caller) {
    return caller.key() == null || limits == null
        ? GenerationBudget.UNLIMITED
        : limits.budget(caller.key());
  }

  private static void answered(HttpServerExchange exchange, CompletableFuture<Answer> settled) {
    try {
      Answer answer = settled.join();
      exchange.putAttachment(AuditHandler.PROMPT_ID, answer.state().prompt().id());
      switch (answer.outcome()) {
        case CREATED -> located(exchange, 201, answer.state());
        case EXISTING -> exchange.setStatusCode(200);
        case PENDING -> located(exchange, 202, answer.state());
      }
      if (answer.outcome() != Outcome.PENDING) {
        exchange.getResponseHeaders().put(GENIE_CACHE, answer.cache().wireName());
      }
      Responses.json(exchange, Json.prompt(answer.state()));
    } catch (CompletionException e) {
      HttpErrors.send(exchange, e.getCause() == null ? e : e.getCause());
    } catch (RuntimeException e) {
      HttpErrors.send(exchange, e);
    }
  }

  /** {@code GET /prompts/{id}}. */
  public HttpHandler find() {
    return exchange -> {
      StoredPrompt state = existing(orchestrator, exchange);
      if (state.result().status() == ResultStatus.COMPLETED) {
        exchange.getResponseHeaders().put(GENIE_CACHE, Cache.HIT.wireName());
      }
      Responses.json(exchange, Json.prompt(state));
    };
  }

  /** The prompt that the path's {@code {id}} names; a 404 when there is none. */
  static StoredPrompt existing(Orchestrator orchestrator, HttpServerExchange exchange) {
    String id = Routes.id(exchange);
    Optional<StoredPrompt> state = orchestrator.find(Caller.of(exchange).namespace(), id);
    if (state.isEmpty()) {
      String shown = id.length() <= ID_ECHO_CHARS ? id : id.substring(0, ID_ECHO_CHARS) + "…";
      throw new GenieException(HttpErrorCode.NOT_FOUND, "no prompt has the id " + shown);
    }
    return state.get();
  }

  /** {@code GET /prompts?limit=&cursor=}: newest first. */
  public HttpHandler list() {
    return exchange -> {
      int limit = limit(exchange);
      Optional<PageCursor> cursor = single(exchange, "cursor").map(PromptHandlers::cursor);
      Responses.json(
          exchange, Json.page(orchestrator.list(Caller.of(exchange).namespace(), limit, cursor)));
    };
  }

  private static void located(HttpServerExchange exchange, int status, StoredPrompt state) {
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.LOCATION, "/prompts/" + state.prompt().id());
  }

  private static int limit(HttpServerExchange exchange) {
    Optional<String> value = single(exchange, "limit");
    if (value.isEmpty()) {
      return DEFAULT_PAGE_SIZE;
    }
    try {
      int limit = Integer.parseInt(value.get());
      if (limit >= 1 && limit <= MAX_PAGE_SIZE) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new GenieException(
        HttpErrorCode.INVALID_PARAMETER, "limit must be a whole number from 1 to " + MAX_PAGE_SIZE);
  }

  private static PageCursor cursor(String value) {
    try {
      return PageCursor.decode(value);
    } catch (IllegalArgumentException e) {
      throw new GenieException(HttpErrorCode.INVALID_PARAMETER, e.getMessage());
    }
  }

  private static Optional<String> single(HttpServerExchange exchange, String name) {
    Deque<String> values = exchange.getQueryParameters().get(name);
    if (values == null || values.isEmpty()) {
      return Optional.empty();
    }
    if (values.size() > 1) {
      throw new GenieException(HttpErrorCode.INVALID_PARAMETER, name + " may be given once");
    }
    return Optional.of(values.getFirst());
  }
}
