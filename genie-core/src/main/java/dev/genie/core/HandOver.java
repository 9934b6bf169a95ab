package dev.genie.core;

/**
 * What a generation started for a caller takes along to the thread that runs it: the caller's trace
 * context, say, so that what the generation reports is seen as part of the caller's request. Called
 * on the caller's thread, once per generation handed to a thread of its own; must return quickly.
 */
@FunctionalInterface
public interface HandOver {
  /** Takes nothing along. */
  HandOver NONE = run -> run;

  /** What runs on the generation's thread in place of {@code run}. */
  Runnable carry(Runnable run);
}
