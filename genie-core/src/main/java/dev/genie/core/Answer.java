package dev.genie.core;

import dev.genie.persistence.StoredPrompt;

/** What a caller gets for a prompt: how the request went, and the state it saw last. */
public record Answer(Outcome outcome, StoredPrompt state) {

  /** How a submitted prompt was settled for this caller. */
  public enum Outcome {
    /** This request created the prompt and its result is complete. */
    CREATED,
    /** The prompt existed already and its result is complete. */
    EXISTING,
    /** The result was still pending when the wait ended; ask again later. */
    PENDING
  }
}
