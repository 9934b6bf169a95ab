package dev.genie.persistence.legacy;

import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.PromptStoreContract;
import java.time.Duration;
import java.time.Instant;

/** Prompts and lease terms as the orchestrator would pass them. */
final class TestPrompts {
  static final Duration LEASE = Duration.ofSeconds(30);
  static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456Z");

  private TestPrompts() {}

  static NewPrompt prompt(String normalized) {
    return PromptStoreContract.prompt(normalized);
  }

  static LeaseTerms terms(String owner, Instant now) {
    return new LeaseTerms(owner, now, LEASE, 3);
  }
}
