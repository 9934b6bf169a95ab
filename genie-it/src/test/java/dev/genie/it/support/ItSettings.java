package dev.genie.it.support;

import java.time.Duration;
import java.util.Properties;

/**
 * The suite's knobs, from system properties that failsafe passes through.
 *
 * @param n parallel requests per burst ({@code -Dgenie.it.n}, default 64)
 * @param timeout the longest a scenario may take ({@code -Dgenie.it.timeoutMs}, default 60000)
 */
public record ItSettings(int n, Duration timeout) {
  static final int MAX_N = 10_000;
  static final long MAX_TIMEOUT_MS = 3_600_000;

  public ItSettings {
    if (n < 1 || n > MAX_N) {
      throw new IllegalArgumentException("-Dgenie.it.n must be between 1 and " + MAX_N + ": " + n);
    }
    if (timeout.toMillis() < 1 || timeout.toMillis() > MAX_TIMEOUT_MS) {
      throw new IllegalArgumentException(
          "-Dgenie.it.timeoutMs must be between 1 and "
              + MAX_TIMEOUT_MS
              + ": "
              + timeout.toMillis());
    }
  }

  public static ItSettings fromSystemProperties() {
    return from(System.getProperties());
  }

  static ItSettings from(Properties properties) {
    int n = (int) read(properties, "genie.it.n", 64, MAX_N);
    long timeoutMs = read(properties, "genie.it.timeoutMs", 60_000, MAX_TIMEOUT_MS);
    return new ItSettings(n, Duration.ofMillis(timeoutMs));
  }

  private static long read(Properties properties, String key, long fallback, long max) {
    String text = properties.getProperty(key);
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(text.strip());
      if (value >= 1 && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "-D" + key + " must be a whole number between 1 and " + max + ": '" + text + "'");
  }
}
