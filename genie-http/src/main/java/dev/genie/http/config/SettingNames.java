package dev.genie.http.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment key of each library setting. The libraries know no environment: their messages
 * name a setting as its builder does ({@code SqlStoreSettings.poolSize}). Operators and callers set
 * environment keys, so what they read (the startup banner, HTTP error bodies, the log) names the
 * key instead ({@code GENIE_DB_POOL_SIZE}), through {@link #toKeys}.
 */
public final class SettingNames {
  /** Every settings record's table of keys: what is read from the environment, and documented. */
  static final List<KeyTable<?>> TABLES =
      List.of(
          ServerSettings.TABLE,
          StorageSettings.TABLE,
          SqlStoreKeys.TABLE,
          LegacyStoreKeys.TABLE,
          OrchestratorKeys.TABLE,
          GeneratorSettings.TABLE,
          OpenAiKeys.TABLE,
          EndpointKeys.TABLE,
          LogSettings.TABLE,
          RenderSettings.TABLE,
          AuthSettings.TABLE,
          TelemetrySettings.TABLE,
          GenieConfig.CARRIED_OVER);

  /** Setting → what an operator sets for it: the key, and its fallback where it has one. */
  static final Map<String, String> KEYS = keys();

  private static final Pattern SETTING = Pattern.compile("\\b[A-Z][A-Za-z]*Settings\\.[a-z]\\w*");

  private SettingNames() {}

  /**
   * {@code message} with each setting it names replaced by its environment key; settings without
   * one (those only code sets) stay as they are.
   */
  public static String toKeys(String message) {
    if (message == null || !message.contains("Settings.")) {
      return message;
    }
    Matcher setting = SETTING.matcher(message);
    return setting.replaceAll(
        found -> Matcher.quoteReplacement(KEYS.getOrDefault(found.group(), found.group())));
  }

  /**
   * {@code OrchestratorSettings.waitTimeout} → {@code GENIE_WAIT_TIMEOUT_MS}, from every table.
   * Keys that set a setting of no record's messages map harmlessly.
   */
  private static Map<String, String> keys() {
    Map<String, String> keys = new HashMap<>();
    for (KeyTable<?> table : TABLES) {
      for (Key<?> key : table.keys()) {
        // A record's messages name a setting after the record's simple name.
        keys.putIfAbsent(table.record().getSimpleName() + "." + key.setting(), key.shown());
      }
    }
    return Map.copyOf(keys);
  }
}
