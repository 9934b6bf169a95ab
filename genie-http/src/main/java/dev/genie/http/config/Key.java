package dev.genie.http.config;

import java.util.Optional;

/**
 * One environment key: the setting of its record that it sets, how its text is read, and its
 * default as docs/configuration.md shows it (a test holds the two together).
 *
 * @param name the environment variable
 * @param fallback a variable read when {@code name} is unset, such as {@code PORT}
 * @param setting the record's setting, named as the record's messages and builder name it
 * @param parser how the text becomes a value
 * @param defaultValue the default when it is a value the parser reads; empty when it is computed or
 *     there is none
 * @param documented the default as the documentation states it
 */
record Key<T>(
    String name,
    Optional<String> fallback,
    String setting,
    Parser<T> parser,
    Optional<String> defaultValue,
    String documented) {

  /** A key whose default is {@code defaultValue}, as it would be written in the environment. */
  static <T> Key<T> of(String name, String setting, Parser<T> parser, String defaultValue) {
    return new Key<>(
        name, Optional.empty(), setting, parser, Optional.of(defaultValue), defaultValue);
  }

  /** A key without a default value of its own: computed, taken from elsewhere, or none. */
  static <T> Key<T> described(String name, String setting, Parser<T> parser, String documented) {
    return new Key<>(name, Optional.empty(), setting, parser, Optional.empty(), documented);
  }

  /** This key, with {@code fallback} read when it is unset. */
  Key<T> orElse(String fallback) {
    return new Key<>(name, Optional.of(fallback), setting, parser, defaultValue, documented);
  }

  /** The value set, under this key or else its fallback; empty when neither is. */
  Optional<T> read(Env env) {
    Optional<String> text = env.get(name);
    if (text.isPresent()) {
      return Optional.of(parser.parse(name, text.get()));
    }
    return fallback.flatMap(other -> env.get(other).map(value -> parser.parse(other, value)));
  }

  /** The value set, else the default. */
  T value(Env env) {
    return read(env)
        .orElseGet(
            () ->
                parser.parse(
                    name,
                    defaultValue.orElseThrow(
                        () ->
                            new IllegalStateException(
                                name + " has no default value to read; this is a bug"))));
  }

  /** The key as an operator reads it in a message: with its fallback, if it has one. */
  String shown() {
    return fallback.map(other -> name + " (or " + other + ")").orElse(name);
  }
}
