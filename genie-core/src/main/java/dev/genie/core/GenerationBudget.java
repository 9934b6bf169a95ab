package dev.genie.core;

import dev.genie.core.generate.Usage;

/**
 * What a caller may spend on generations: asked once per request, before it claims a prompt, and
 * told what a generation started for it used. Answers from stored results cost nothing.
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
   * Called before this caller's request claims a prompt. A budget spent between this call and the
   * generation lets that one generation through, charged as usual.
   *
   * @throws GenieException to refuse: the request then claims nothing and is answered only from a
   *     stored result or one another caller is generating
   */
  void beforeGeneration();

  /** The tokens a generation started for this caller used, as the model reported them. */
  void spent(Usage usage);
}
