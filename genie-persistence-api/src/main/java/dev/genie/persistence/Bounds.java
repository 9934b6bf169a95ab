package dev.genie.persistence;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/**
 * The range check of every settings class, in every module, with one wording for its failure: the
 * setting, its range and the value given; durations in milliseconds, as settings are given.
 */
public final class Bounds {
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

  private Bounds() {}

  /**
   * @throws IllegalArgumentException when {@code value} is outside {@code [min, max]}
   */
  public static void requireBetween(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ": " + value);
    }
  }

  /**
   * @throws IllegalArgumentException when {@code value} is outside {@code [minMillis, maxMillis]}
   *     milliseconds
   * @throws NullPointerException when it is null
   */
  public static void requireBetween(String name, Duration value, long minMillis, long maxMillis) {
    requireBetween(name, value, Duration.ofMillis(minMillis), Duration.ofMillis(maxMillis));
  }

  /**
   * @throws IllegalArgumentException when {@code value} is outside {@code [min, max]}
   * @throws NullPointerException when it is null
   */
  public static void requireBetween(String name, Duration value, Duration min, Duration max) {
    Objects.requireNonNull(value, name);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          name
              + " must be between "
              + min.toMillis()
              + " and "
              + max.toMillis()
              + " ms: "
              + millis(value));
    }
  }

  /**
   * A duration as the milliseconds that settings are given in: {@code -5 ms}, {@code 0.5 ms}, never
   * ISO-8601's {@code PT-0.005S}.
   */
  public static String millis(Duration duration) {
    return BigDecimal.valueOf(duration.getSeconds())
            .multiply(THOUSAND)
            .add(BigDecimal.valueOf(duration.getNano(), 6))
            .stripTrailingZeros()
            .toPlainString()
        + " ms";
  }
}
