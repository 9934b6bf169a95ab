package dev.genie.http.config;

import dev.genie.http.StartupCheckException;
import java.util.Map;
import java.util.Optional;

/**
 * The environment's text. Values are read through each settings record's table of {@link Key}s,
 * which know their type, default and the setting they set.
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

  static StartupCheckException invalid(String key, String value, String accepted) {
    return new StartupCheckException(
        key + " is '" + value + "', which is not " + accepted, "set " + key + " to " + accepted);
  }
}
