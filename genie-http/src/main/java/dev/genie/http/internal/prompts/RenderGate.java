package dev.genie.http.internal.prompts;

import dev.genie.core.CoreErrorCode;
import dev.genie.core.GenieException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Bounds CPU work such as PDF rendering: {@code concurrency} run at once, {@code queue} more wait
 * for a turn, and any beyond those are refused at once with {@code OVERLOADED} (a 503 with {@code
 * Retry-After}) rather than pile up.
 */
final class RenderGate {
  private final Semaphore turns;
  private final int admissible;
  private final AtomicInteger admitted = new AtomicInteger();
  private final String settings;

  /**
   * @param settings the settings that change the bounds, for the refusal's message
   */
  RenderGate(int concurrency, int queue, String settings) {
    this.turns = new Semaphore(concurrency, true);
    this.admissible = concurrency + queue;
    this.settings = settings;
  }

  /** Renderings running or waiting now. */
  int admitted() {
    return admitted.get();
  }

  <T> T run(Supplier<T> work) {
    if (admitted.incrementAndGet() > admissible) {
      admitted.decrementAndGet();
      throw new GenieException(
          CoreErrorCode.OVERLOADED,
          admissible + " renderings are running or waiting (" + settings + "); retry shortly");
    }
    try {
      turns.acquire();
      try {
        return work.get();
      } finally {
        turns.release();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GenieException(
          CoreErrorCode.SHUTTING_DOWN, "the server is stopping; retry shortly");
    } finally {
      admitted.decrementAndGet();
    }
  }
}
