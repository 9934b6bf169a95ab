package dev.genie.core;

import java.time.Duration;

/**
 * Elapsed time and the waits measured in it, injected beside the {@link java.time.Clock}: the clock
 * says what time it is (stored with results), the ticker how long something took and when a wait
 * ends, so that tests of timeouts can move it instead of waiting (db-scheduler's {@code Waiter}).
 */
public interface Ticker {
  /** Nanoseconds from an arbitrary origin, as {@link System#nanoTime}: only differences count. */
  long nanoTime();

  /**
   * Waits for {@code duration} of this ticker's time.
   *
   * @throws InterruptedException when the waiting thread is interrupted, with the flag cleared
   */
  void sleep(Duration duration) throws InterruptedException;

  /**
   * The machine's monotonic time: {@link System#nanoTime}, waits parked on {@link
   * java.util.concurrent.locks.LockSupport}.
   */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}
