package dev.genie.http.config;

import dev.genie.http.StartupCheckException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Typed reads of environment variables. Only the type is checked here; the settings records check
 * ranges, and their messages name the setting, which the banner shows as its key ({@link
 * SettingNames}).
 */
final class Env {
  private final Map<String, String> values;

  Env(Map<String, String> values) {
    this.values = values;
  }

  /** The value, or empty when unset or blank. */
  Optional<String> get(String key) {
    String value = values.get(key);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }

  String string(String key, String fallback) {
    return get(key).orElse(fallback);
  }

  Optional<Integer> integer(String key) {
    return get(key)
        .map(
            value -> {
              try {
                return Integer.parseInt(value);
              } catch (NumberFormatException e) {
                throw invalid(key, value, "a whole number");
              }
            });
  }

  int integer(String key, int fallback) {
    return integer(key).orElse(fallback);
  }

  Optional<Double> decimal(String key) {
    return get(key)
        .map(
            value -> {
              try {
                return Double.parseDouble(value);
              } catch (NumberFormatException e) {
                throw invalid(key, value, "a decimal number such as 0.7");
              }
            });
  }

  Optional<Duration> millis(String key) {
    return get(key)
        .map(
            value -> {
              try {
                return Duration.ofMillis(Long.parseLong(value));
              } catch (NumberFormatException e) {
                throw invalid(key, value, "a whole number of milliseconds");
              }
            });
  }

  boolean flag(String key) {
    Optional<String> value = get(key);
    if (value.isEmpty()) {
      return false;
    }
    return switch (value.get().toLowerCase(Locale.ROOT)) {
      case "1", "true", "yes", "on" -> true;
      case "0", "false", "no", "off" -> false;
      default -> throw invalid(key, value.get(), "1/true/yes/on or 0/false/no/off");
    };
  }

  static StartupCheckException invalid(String key, String value, String accepted) {
    return new StartupCheckException(
        key + " is '" + value + "', which is not " + accepted, "set " + key + " to " + accepted);
  }
}
