package dev.genie.core;

/** Every error a caller of Genie can see; the HTTP layer maps each to one status. */
public enum ErrorCode {
  INVALID_JSON,
  INVALID_PROMPT,
  PROMPT_TOO_LONG,
  INVALID_PARAMETER,
  NOT_FOUND,
  NOT_READY,
  UNAUTHENTICATED,
  FORBIDDEN,
  RATE_LIMITED,
  BUDGET_EXHAUSTED,
  METHOD_NOT_ALLOWED,
  BODY_TOO_LARGE,
  UNSUPPORTED_MEDIA_TYPE,
  /** An {@code Expect} header other than {@code 100-continue}. */
  EXPECTATION_FAILED,
  GENERATION_FAILED,
  STORAGE_UNAVAILABLE,
  OVERLOADED,
  SHUTTING_DOWN,
  GENERATOR_UNAVAILABLE,
  INTERNAL
}
