package dev.genie.core;

import dev.genie.core.generate.Usage;
import java.util.OptionalLong;

/**
 * What a caller may spend on generations: a generation reserves its worst case before it claims a
 * prompt, and settles to what it used after it ended, whether it completed, failed or was cut off.
 * Answers from stored results cost nothing: a request under a budget that {@linkplain #mayRefuse
 * may refuse} is answered from what is stored before the budget is asked.
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
        public Reservation reserve(OptionalLong worstCase) {
          return Reservation.NONE;
        }
      };

  /**
   * Whether {@link #reserve} can refuse. When it can, a request first looks for a stored answer,
   * which needs no budget, and reserves only before it would claim.
   */
  default boolean mayRefuse() {
    return true;
  }

  /**
   * Reserves the most a generation of this caller's may use, before its request claims a prompt,
   * once no stored result answers it. Parallel reservations of one budget cannot together exceed
   * it.
   *
   * @param worstCase the most tokens the generation may use (the prompt's estimate plus its output
   *     limit); empty when its output is unbounded
   * @throws GenieException to refuse: the request then claims nothing
   */
  Reservation reserve(OptionalLong worstCase);

  /** Tokens set aside for one generation, until it ends. */
  interface Reservation {
    /** Nothing set aside, nothing to charge. */
    Reservation NONE = used -> {};

    /**
     * This caller's claim won the generation of {@code promptId}: a takeover or a sweep of it is
     * charged to whom this reservation charges.
     */
    default void started(String promptId) {}

    /**
     * Replaces the reservation by what the generation used; called once. {@code used} is null when
     * the generation's use is unknown (it timed out or was interrupted while the model may have
     * worked): the reservation is then kept as what it cost.
     */
    void settle(Usage used);
  }

  /** What generations that no caller's request started are charged to. */
  interface Takeovers {
    /** Charges nothing. */
    Takeovers NOBODY = promptId -> Reservation.NONE;

    /**
     * The reservation of a takeover or a sweep of {@code promptId}'s generation: nothing set aside
     * (it is not refused, since the prompt must be finished), its use charged to the key that
     * started the prompt's generation.
     */
    Reservation of(String promptId);
  }
}
