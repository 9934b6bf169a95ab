package dev.genie.core.internal;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * A duration as the milliseconds that Genie's settings are given in: {@code -5 ms}, {@code 0.5 ms},
 * never ISO-8601's {@code PT-0.005S}.
 */
public final class Millis {
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

  private Millis() {}

  public static String of(Duration duration) {
    BigDecimal millis =
        BigDecimal.valueOf(duration.getSeconds())
            .multiply(THOUSAND)
            .add(BigDecimal.valueOf(duration.getNano(), 6));
    return millis.stripTrailingZeros().toPlainString() + " ms";
  }
}
