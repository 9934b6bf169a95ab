package dev.genie.http.internal.openai;

import dev.genie.core.GenerationFailedException;
import dev.genie.persistence.Failure;
import io.undertow.server.HttpServerExchange;

/**
 * Errors on the OpenAI-compatible surface ({@code /v1}): OpenAI's shape, {@code
 * {"error":{"message","type","param","code"}}}, with Genie's code lower-cased in {@code code}, and
 * the statuses the OpenAI SDKs map to their exception types. A failed generation is answered with a
 * status chosen from the endpoint's: the caller's key is Genie's, so an endpoint that refuses
 * Genie's own credentials is Genie's fault (502), never the caller's (401).
 */
public final class OpenAiErrors {
  static final String PREFIX = "/v1/";

  private OpenAiErrors() {}

  /** Whether {@code exchange} is on the OpenAI-compatible surface. */
  public static boolean applies(HttpServerExchange exchange) {
    String path = exchange.getRelativePath();
    return path.startsWith(PREFIX) || path.equals("/v1");
  }

  /** The status a caller gets for a generation that failed with {@code failure}. */
  public static int status(Failure failure) {
    int upstream = failure.upstreamStatus();
    return switch (upstream) {
      case 400, 404, 409, 422, 429, 500, 502, 503, 504 -> upstream;
      // Genie's own key or account at the endpoint: not the caller's to fix.
      case 401, 402, 403, 407 -> 502;
      case 408 -> 504;
      default -> upstream >= 400 && upstream < 500 ? 400 : 502;
    };
  }

  /** What a caller is told of a failed generation: Genie's words and the endpoint's status. */
  public static String message(GenerationFailedException failed) {
    Failure failure = failed.failure();
    return switch (failure.upstreamStatus()) {
      case 401, 402, 403, 407 ->
          "the model's endpoint refused Genie's own credentials (HTTP "
              + failure.upstreamStatus()
              + "); Genie's operator must check GENIE_OPENAI_API_KEY";
      default ->
          failure.message() + "; the same request sent again asks the model's endpoint again";
    };
  }

  /** OpenAI's {@code type} for a status, as its API names them. */
  public static String type(int status) {
    return switch (status) {
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 429 -> "rate_limit_error";
      default -> status >= 500 ? "server_error" : "invalid_request_error";
    };
  }
}
