package dev.genie.http.config;

import static dev.genie.http.config.Parser.DECIMAL;
import static dev.genie.http.config.Parser.TEXT;
import static dev.genie.http.config.Parser.WHOLE_NUMBER;

import dev.genie.generator.openai.OpenAiSettings;
import dev.genie.generator.openai.OpenAiSettings.Builder;
import dev.genie.generator.openai.OutputMode;

/**
 * The environment keys of {@link OpenAiSettings} but the endpoint's, which {@link EndpointKeys}
 * has.
 */
final class OpenAiKeys {
  static final KeyTable<Builder> TABLE =
      KeyTable.<Builder>of(OpenAiSettings.class)
          .with(Key.described("GENIE_OPENAI_MODEL", "model", TEXT, "—"), Builder::model)
          .with(
              Key.described("GENIE_OPENAI_TEMPERATURE", "temperature", DECIMAL, "the endpoint's"),
              Builder::temperature)
          .with(
              Key.described(
                  "GENIE_OPENAI_MAX_OUTPUT_TOKENS",
                  "maxOutputTokens",
                  WHOLE_NUMBER,
                  "the endpoint's"),
              Builder::maxOutputTokens)
          .with(
              Key.described(
                  "GENIE_SYSTEM_PROMPT",
                  "systemPrompt",
                  TEXT,
                  "a short instruction to write a few titled pages"),
              Builder::systemPrompt)
          // OutputMode's message names the setting and its values; SettingNames shows the key.
          .with(
              Key.of(
                  "GENIE_OPENAI_OUTPUT",
                  "outputMode",
                  (key, text) -> OutputMode.fromWireName(text),
                  OutputMode.JSON_SCHEMA.wireName()),
              Builder::outputMode);

  private OpenAiKeys() {}

  static OpenAiSettings read(Env env) {
    return TABLE.apply(env, OpenAiSettings.builder().endpoint(EndpointKeys.read(env))).build();
  }
}
