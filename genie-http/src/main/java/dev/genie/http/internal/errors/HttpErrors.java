package dev.genie.http.internal.errors;

import dev.genie.core.CoreErrorCode;
import dev.genie.core.ErrorCode;
import dev.genie.core.GenerationFailedException;
import dev.genie.core.GeneratorUnavailableException;
import dev.genie.core.GenieException;
import dev.genie.core.LimitExceededException;
import dev.genie.http.internal.accesslog.RequestIds;
import dev.genie.http.internal.exchange.Responses;
import dev.genie.http.internal.json.Json;
import dev.genie.http.internal.openai.ChatHandlers;
import dev.genie.http.internal.openai.OpenAiErrors;
import dev.genie.persistence.Failure;
import dev.genie.persistence.StoreUnavailableException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that maps an error code to an HTTP status and writes the error body: Genie's shape,
 * or OpenAI's on the OpenAI-compatible surface ({@link OpenAiErrors}).
 */
public final class HttpErrors {
  private static final Logger log = LoggerFactory.getLogger(HttpErrors.class);
  private static final String RETRY_AFTER_SECONDS = "1";

  private HttpErrors() {}

  /**
   * Each code's status. The codes are the core's and the server's own ({@link HttpErrorCode#all}),
   * each mapped by an exhaustive switch: a new code does not compile until it has one.
   */
  public static int status(ErrorCode code) {
    if (code instanceof CoreErrorCode core) {
      return status(core);
    }
    if (code instanceof HttpErrorCode http) {
      return status(http);
    }
    throw new IllegalArgumentException("no HTTP status for the code " + code + "; this is a bug");
  }

  private static int status(CoreErrorCode code) {
    return switch (code) {
      case INVALID_PROMPT, PROMPT_TOO_LONG, INVALID_REQUEST -> 400;
      case BUDGET_EXHAUSTED -> 429;
      case GENERATION_FAILED -> 502;
      case SHUTTING_DOWN, GENERATOR_UNAVAILABLE, OVERLOADED -> 503;
    };
  }

  private static int status(HttpErrorCode code) {
    return switch (code) {
      case INVALID_JSON, INVALID_PARAMETER -> 400;
      case UNAUTHENTICATED -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case METHOD_NOT_ALLOWED -> 405;
      case NOT_READY -> 409;
      case BODY_TOO_LARGE -> 413;
      case UNSUPPORTED_MEDIA_TYPE -> 415;
      case EXPECTATION_FAILED -> 417;
      case RATE_LIMITED -> 429;
      case INTERNAL -> 500;
      case MODEL_NOT_FOUND -> 404;
      case STORAGE_UNAVAILABLE -> 503;
      case UPSTREAM_FAILED -> 502;
      case GENERATION_TIMEOUT -> 504;
    };
  }

  /** Answers with {@code code}; 503s say when to retry. */
  public static void send(HttpServerExchange exchange, ErrorCode code, String message) {
    send(exchange, code, message, RETRY_AFTER_SECONDS);
  }

  private static void send(
      HttpServerExchange exchange, ErrorCode code, String message, String retryAfterSeconds) {
    send(exchange, code, status(code), message, retryAfterSeconds);
  }

  private static void send(
      HttpServerExchange exchange,
      ErrorCode code,
      int status,
      String message,
      String retryAfterSeconds) {
    if (exchange.isResponseStarted()) {
      exchange.endExchange();
      return;
    }
    exchange.setStatusCode(status);
    if (status == 503 || status == 429) {
      exchange.getResponseHeaders().put(Headers.RETRY_AFTER, retryAfterSeconds);
    }
    if (status == 401) {
      exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer");
    }
    Responses.json(
        exchange,
        OpenAiErrors.applies(exchange)
            ? Json.openAiError(code, OpenAiErrors.type(status), message)
            : Json.error(code, message, RequestIds.of(exchange)));
  }

  /** Whole seconds, rounded up, at least one: what {@code Retry-After} takes. */
  private static String seconds(Duration wait) {
    return Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000));
  }

  /**
   * Answers for a failure thrown while handling the request. Genie's own errors carry their code
   * and a message meant for the caller; anything else is logged here and answered without detail,
   * so no internal name or stack trace reaches the caller.
   */
  public static void send(HttpServerExchange exchange, Throwable failure) {
    if (failure instanceof GenerationFailedException failed && OpenAiErrors.applies(exchange)) {
      Failure why = failed.failure();
      exchange.getResponseHeaders().put(ChatHandlers.GENIE_PROMPT_ID, failed.promptId());
      send(
          exchange,
          failed.code(),
          OpenAiErrors.status(why),
          OpenAiErrors.message(failed),
          why.retryAfter() == null ? RETRY_AFTER_SECONDS : seconds(why.retryAfter()));
      return;
    }
    if (failure instanceof GenerationFailedException failed) {
      // The failure is recorded on the prompt: say where, as a 201 would.
      exchange.getResponseHeaders().put(Headers.LOCATION, "/prompts/" + failed.promptId());
    }
    if (failure instanceof GeneratorUnavailableException unavailable) {
      send(
          exchange,
          unavailable.code(),
          unavailable.getMessage(),
          seconds(unavailable.retryAfter()));
    } else if (failure instanceof LimitExceededException limited) {
      send(exchange, limited.code(), limited.getMessage(), seconds(limited.retryAfter()));
    } else if (failure instanceof GenieException genie) {
      send(exchange, genie.code(), genie.getMessage());
    } else if (failure instanceof StoreUnavailableException) {
      log.warn("request {}: store unavailable: {}", RequestIds.of(exchange), failure.getMessage());
      send(exchange, HttpErrorCode.STORAGE_UNAVAILABLE, "the store is unavailable; retry shortly");
    } else {
      log.error("request {} failed", RequestIds.of(exchange), failure);
      send(
          exchange,
          HttpErrorCode.INTERNAL,
          "internal error; the server log has the details under request id "
              + RequestIds.of(exchange));
    }
  }
}
