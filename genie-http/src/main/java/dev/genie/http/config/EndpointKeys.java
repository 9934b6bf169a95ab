package dev.genie.http.config;

import static dev.genie.http.config.Parser.MILLIS;
import static dev.genie.http.config.Parser.TEXT;
import static dev.genie.http.config.Parser.WHOLE_NUMBER;

import dev.genie.generator.openai.EndpointSettings;
import dev.genie.generator.openai.EndpointSettings.Builder;
import java.net.URI;
import java.net.URISyntaxException;

/** The environment keys of {@link EndpointSettings}, the model endpoint's. */
final class EndpointKeys {
  static final Key<String> API_KEY =
      Key.described("GENIE_OPENAI_API_KEY", "apiKey", TEXT, "—").orElse("OPENAI_API_KEY");

  static final KeyTable<Builder> TABLE =
      KeyTable.<Builder>of(EndpointSettings.class)
          .with(
              Key.of(
                  "GENIE_OPENAI_BASE_URL",
                  "baseUrl",
                  Parser.accepting(
                      "a URL such as " + EndpointSettings.DEFAULT_BASE_URL, EndpointKeys::baseUrl),
                  EndpointSettings.DEFAULT_BASE_URL),
              Builder::baseUrl)
          .with(API_KEY, Builder::apiKey)
          .with(
              Key.of("GENIE_GENERATION_TIMEOUT_MS", "timeout", MILLIS, "120000"), Builder::timeout)
          .with(Key.of("GENIE_GENERATION_RETRIES", "retries", WHOLE_NUMBER, "2"), Builder::retries)
          .with(
              Key.of("GENIE_GENERATION_CONCURRENCY", "concurrency", WHOLE_NUMBER, "8"),
              Builder::concurrency);

  private EndpointKeys() {}

  static EndpointSettings.Builder read(Env env) {
    return TABLE.apply(env, EndpointSettings.builder());
  }

  private static URI baseUrl(String value) {
    try {
      return new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
