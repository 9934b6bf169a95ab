package dev.genie.generator.openai.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongUnaryOperator;

/**
 * The pause before a retry: exponential from {@code initial}, capped at {@code max}, its second
 * half random so that instances that failed together do not retry together; never shorter than the
 * endpoint's {@code Retry-After}, and no retry at all when that is longer than {@code max}.
 */
public final class Backoff {
  private final Duration initial;
  private final Duration max;
  private final LongUnaryOperator jitter;

  /**
   * @param jitter given a bound in milliseconds, a value from 0 up to it
   */
  public Backoff(Duration initial, Duration max, LongUnaryOperator jitter) {
    this.initial = initial;
    this.max = max;
    this.jitter = jitter;
  }

  /**
   * @param retry 0 for the first retry
   * @return the pause, or empty when the endpoint asked for a longer wait than {@code max}
   */
  public Optional<Duration> before(int retry, Optional<Duration> retryAfter) {
    if (retryAfter.isPresent() && retryAfter.get().compareTo(max) > 0) {
      return Optional.empty();
    }
    long ceiling = Math.min(max.toMillis(), initial.toMillis() << Math.min(retry, 20));
    long half = ceiling / 2;
    Duration pause = Duration.ofMillis(half + jitter.applyAsLong(ceiling - half));
    return Optional.of(
        retryAfter.isPresent() && retryAfter.get().compareTo(pause) > 0 ? retryAfter.get() : pause);
  }
}
