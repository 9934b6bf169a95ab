package dev.genie.http.config;

import static dev.genie.http.config.Parser.MILLIS;
import static dev.genie.http.config.Parser.TEXT;
import static dev.genie.http.config.Parser.WHOLE_NUMBER;

import dev.genie.core.OrchestratorSettings;
import dev.genie.core.OrchestratorSettings.Builder;

/** The environment keys of {@link OrchestratorSettings}. */
final class OrchestratorKeys {
  static final KeyTable<Builder> TABLE =
      KeyTable.<Builder>of(OrchestratorSettings.class)
          .with(
              Key.of("GENIE_WAIT_TIMEOUT_MS", "waitTimeout", MILLIS, "30000"), Builder::waitTimeout)
          .with(Key.of("GENIE_LEASE_MS", "lease", MILLIS, "60000"), Builder::lease)
          .with(
              Key.of("GENIE_MAX_ATTEMPTS", "maxAttempts", WHOLE_NUMBER, "3"), Builder::maxAttempts)
          .with(
              Key.of("GENIE_MAX_PROMPT_CHARS", "maxPromptChars", WHOLE_NUMBER, "8000"),
              Builder::maxPromptChars)
          .with(
              Key.described("GENIE_INSTANCE_ID", "instanceId", TEXT, "random"), Builder::instanceId)
          // The same key as the model endpoint's own limit: the queue's slots are the calls it
          // allows.
          .with(
              Key.of("GENIE_GENERATION_CONCURRENCY", "generationConcurrency", WHOLE_NUMBER, "8"),
              Builder::generationConcurrency)
          .with(
              Key.of("GENIE_GENERATION_QUEUE", "generationQueue", WHOLE_NUMBER, "256"),
              Builder::generationQueue);

  private OrchestratorKeys() {}

  static OrchestratorSettings read(Env env) {
    return TABLE.apply(env, OrchestratorSettings.builder()).build();
  }
}
