package dev.genie.core;

import dev.genie.core.generate.Usage;

/**
 * What a caller may spend on generations: asked before each request claims a prompt and before each
 * generation started on the caller's behalf, and told what it used. Answers from stored results
 * cost nothing.
 */
public interface GenerationBudget {
  /** No limit, nothing recorded. */
  GenerationBudget UNLIMITED =
      new GenerationBudget() {
        @Override
        public void beforeGeneration() {}

        @Override
        public void spent(Usage usage) {}
      };

  /**
   * Called before this caller's request claims a prompt, and again before a generation starts for
   * it.
   *
   * @throws GenieException to refuse it: the request then claims nothing and is answered only from
   *     a stored or pending result; a lease claimed already is released for another caller
   */
  void beforeGeneration();

  /** The tokens a generation started for this caller used, as the model reported them. */
  void spent(Usage usage);
}
