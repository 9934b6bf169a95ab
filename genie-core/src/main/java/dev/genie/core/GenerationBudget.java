package dev.genie.core;

import dev.genie.core.generate.Usage;

/**
 * What a caller may spend on generations: asked once per request, before it claims a prompt, and
 * told what a generation started for it used. Answers from stored results cost nothing: a request
 * under a budget that {@linkplain #mayRefuse may refuse} is answered from what is stored before the
 * budget is asked.
 */
public interface GenerationBudget {
  /** No limit, nothing recorded. */
  GenerationBudget UNLIMITED =
      new GenerationBudget() {
        @Override
        public boolean mayRefuse() {
          return false;
        }

        @Override
        public void beforeGeneration() {}

        @Override
        public void spent(Usage usage) {}
      };

  /**
   * Whether {@link #beforeGeneration} can refuse. When it can, a request first looks for a stored
   * answer, which needs no budget, and asks the budget only before it would claim; when it cannot,
   * the budget is never asked.
   */
  default boolean mayRefuse() {
    return true;
  }

  /**
   * Called before this caller's request claims a prompt, once no stored result answers it. A budget
   * spent between this call and the generation lets that one generation through, charged as usual.
   *
   * @throws GenieException to refuse: the request then claims nothing
   */
  void beforeGeneration();

  /** The tokens a generation started for this caller used, as the model reported them. */
  void spent(Usage usage);
}
