package dev.genie.persistence;

import java.util.Optional;

/**
 * What a claim or takeover returned.
 *
 * @param state the prompt and its result right after the operation
 * @param created true when this call created the prompt
 * @param lease present when this caller now holds the generation lease
 */
public record Claim(StoredPrompt state, boolean created, Optional<Fence> lease) {

  public static Claim granted(StoredPrompt state, boolean created) {
    return new Claim(state, created, Optional.of(state.result().fence()));
  }

  public static Claim existing(StoredPrompt state) {
    return new Claim(state, false, Optional.empty());
  }
}
