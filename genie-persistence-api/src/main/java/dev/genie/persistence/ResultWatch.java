package dev.genie.persistence;

import java.time.Duration;

/** A caller's interest in changes of one result, open while it waits. */
public interface ResultWatch extends AutoCloseable {

  /**
   * Waits until the result changed since the watch was opened or last awaited, or until {@code
   * timeout} passes. A change only shortens the wait: callers read the state again either way.
   */
  void await(Duration timeout) throws InterruptedException;

  @Override
  void close();

  /** A watch that is never signalled: waiting is sleeping. */
  static ResultWatch sleeping() {
    return new ResultWatch() {
      @Override
      public void await(Duration timeout) throws InterruptedException {
        Thread.sleep(Math.max(0, timeout.toMillis()));
      }

      @Override
      public void close() {}
    };
  }
}
