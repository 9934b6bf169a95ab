package dev.genie.core;

import dev.genie.core.generate.Usage;

/**
 * What a caller may spend on generations: asked before each generation started on the caller's
 * behalf, and told what it used. Answers from stored results ask nothing and cost nothing.
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
   * Called before a generation starts for this caller.
   *
   * @throws GenieException to refuse it; the claimed lease is released for another caller
   */
  void beforeGeneration();

  /** The tokens a generation started for this caller used, as the model reported them. */
  void spent(Usage usage);
}
