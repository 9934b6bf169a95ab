package dev.genie.core.generate;

/**
 * Turns a normalized prompt into pages. The orchestrator calls it at most once per live lease, on a
 * thread of its own, outside any database transaction.
 */
public interface Generator {

  /** The name that selects this generator in configuration ({@code GENIE_GENERATOR}). */
  String name();

  /**
   * @throws Exception when generation fails; the orchestrator records the message on the result, so
   *     it must not carry secrets
   */
  Generation generate(String normalizedPrompt) throws Exception;
}
