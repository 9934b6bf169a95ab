package dev.genie.persistence;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What a caller asks for when it claims the right to generate.
 *
 * @param owner who is asking, as recorded in the result: a name for this one request, so that a
 *     store that retries it after its answer was lost can tell the lease it was granted from any
 *     other's
 * @param now the caller's clock, which decides whether existing leases have expired; a store with a
 *     clock of its own (the SQL store, by default) reads that one instead
 * @param duration how long the granted lease lasts
 * @param maxAttempts how many generations a result may start before it stays failed
 */
public record LeaseTerms(String owner, Instant now, Duration duration, int maxAttempts) {
  public LeaseTerms {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(now, "now");
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(
          "lease duration must be positive: " + duration.toMillis() + " ms");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
  }

  public Instant expiresAt() {
    return now.plus(duration);
  }
}
