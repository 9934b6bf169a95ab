package dev.genie.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A ticker that tests move by hand; a sleep on it moves it by the sleep and returns at once. */
final class FakeTicker implements Ticker {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  void advance(Duration by) {
    nanos.addAndGet(by.toNanos());
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  @Override
  public void sleep(Duration duration) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted before a sleep of the fake ticker");
    }
    advance(duration);
  }
}
