package dev.genie.core;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** The production ticker. */
enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public void sleep(Duration duration) throws InterruptedException {
    long end = System.nanoTime() + duration.toNanos();
    for (long left = duration.toNanos(); left > 0; left = end - System.nanoTime()) {
      LockSupport.parkNanos(this, left);
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while waiting " + duration.toMillis() + " ms");
      }
    }
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted while waiting " + duration.toMillis() + " ms");
    }
  }
}
