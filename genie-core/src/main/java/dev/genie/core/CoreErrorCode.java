package dev.genie.core;

/** The errors the core raises, or a {@link GenerationBudget} raises through it. */
public enum CoreErrorCode implements ErrorCode {
  INVALID_PROMPT,
  PROMPT_TOO_LONG,
  INVALID_REQUEST,
  BUDGET_EXHAUSTED,
  GENERATION_FAILED,
  SHUTTING_DOWN,
  GENERATOR_UNAVAILABLE,
  /** More generations are waiting than the queue holds, or a caller's wait for one ended. */
  OVERLOADED
}
