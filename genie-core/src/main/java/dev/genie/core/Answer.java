package dev.genie.core;

import dev.genie.persistence.StoredPrompt;
import java.util.Locale;

/**
 * What a caller gets for a prompt: how the request went, the state it saw last, and where its
 * answer came from.
 */
public record Answer(Outcome outcome, StoredPrompt state, Cache cache) {

  /** How a submitted prompt was settled for this caller. */
  public enum Outcome {
    /** This request created the prompt and its result is complete. */
    CREATED,
    /** The prompt existed already and its result is complete. */
    EXISTING,
    /** The result was still pending when the wait ended; ask again later. */
    PENDING
  }

  /** Where the answer came from, as the {@code Genie-Cache} header says it. */
  public enum Cache {
    /** A stored result: nothing was generated for this request. */
    HIT,
    /** This request ran the generation. */
    MISS,
    /** This request waited for another caller's generation. */
    COALESCED;

    /** The value of the {@code Genie-Cache} header and of the metrics' {@code cache} label. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
