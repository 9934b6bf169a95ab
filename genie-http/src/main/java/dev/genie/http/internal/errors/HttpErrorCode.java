package dev.genie.http.internal.errors;

import dev.genie.core.CoreErrorCode;
import dev.genie.core.ErrorCode;
import java.util.List;
import java.util.stream.Stream;

/** The errors only the HTTP server raises: about requests, callers and its own capacity. */
public enum HttpErrorCode implements ErrorCode {
  INVALID_JSON,
  INVALID_PARAMETER,
  NOT_FOUND,
  /** A model the OpenAI-compatible surface does not offer ({@code GENIE_OPENAI_MODELS}). */
  MODEL_NOT_FOUND,
  NOT_READY,
  UNAUTHENTICATED,
  FORBIDDEN,
  RATE_LIMITED,
  METHOD_NOT_ALLOWED,
  BODY_TOO_LARGE,
  UNSUPPORTED_MEDIA_TYPE,
  /** An {@code Expect} header other than {@code 100-continue}. */
  EXPECTATION_FAILED,
  STORAGE_UNAVAILABLE,
  /** The model's endpoint could not be asked, or answered with an error (not a generation). */
  UPSTREAM_FAILED,
  /** A chat completion not ready within {@code GENIE_GENERATION_TIMEOUT_MS}: it goes on. */
  GENERATION_TIMEOUT,
  INTERNAL;

  private static final List<ErrorCode> ALL =
      Stream.<ErrorCode>concat(Stream.of(CoreErrorCode.values()), Stream.of(values())).toList();

  /** Every code the server answers with: the core's, then its own. */
  public static List<ErrorCode> all() {
    return ALL;
  }
}
