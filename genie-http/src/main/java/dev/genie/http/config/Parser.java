package dev.genie.http.config;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

/**
 * How the text of an environment key becomes a value. A parser checks only the type; the settings
 * record checks the range, naming the setting, which {@link SettingNames} shows as its key.
 */
@FunctionalInterface
interface Parser<T> {
  Parser<String> TEXT = (key, text) -> text;
  Parser<Integer> WHOLE_NUMBER = accepting("a whole number", Integer::parseInt);
  Parser<Duration> MILLIS =
      accepting("a whole number of milliseconds", text -> Duration.ofMillis(Long.parseLong(text)));
  Parser<Double> DECIMAL = accepting("a decimal number such as 0.7", Double::parseDouble);
  Parser<Boolean> FLAG = accepting("1/true/yes/on or 0/false/no/off", Parser::flag);

  /**
   * @throws dev.genie.http.StartupCheckException naming {@code key} and what it accepts
   */
  T parse(String key, String text);

  /** A parser whose {@code read} throws {@link IllegalArgumentException} for what it refuses. */
  static <T> Parser<T> accepting(String accepted, Function<String, T> read) {
    return (key, text) -> {
      try {
        return read.apply(text);
      } catch (IllegalArgumentException e) {
        throw Env.invalid(key, text, accepted);
      }
    };
  }

  private static boolean flag(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "1", "true", "yes", "on" -> true;
      case "0", "false", "no", "off" -> false;
      default -> throw new IllegalArgumentException(text);
    };
  }
}
