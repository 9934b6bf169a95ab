package dev.genie.core;

import static dev.genie.core.generate.SampleGenerator.PROFILE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.core.generate.GenerationProfile;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.PromptKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NormalizerTest {
  private final Normalizer normalizer = new Normalizer(8000);

  static Stream<Arguments> normalizes() {
    return Stream.of(
        Arguments.of("plain text is kept", "hello", "hello"),
        Arguments.of("case is kept", "Hello World", "Hello World"),
        Arguments.of("ends are stripped", "  hello  ", "hello"),
        Arguments.of("runs of spaces become one", "a    b", "a b"),
        Arguments.of("tabs and newlines are white space", "a\t\nb\r\nc", "a b c"),
        Arguments.of("NBSP is white space", "a\u00A0b", "a b"),
        Arguments.of("figure space is white space", "a\u2007b", "a b"),
        Arguments.of("narrow NBSP is white space", "a\u202Fb", "a b"),
        Arguments.of("ideographic space is white space", "a\u3000b", "a b"),
        Arguments.of("em space and line separator", "a\u2003\u2028b", "a b"),
        Arguments.of("a mixed run is one space", " \t\u00A0a \u3000\n b\u2009", "a b"),
        Arguments.of("NFD becomes NFC", "cafe\u0301", "caf\u00E9"),
        Arguments.of("NFC stays NFC", "caf\u00E9", "caf\u00E9"),
        Arguments.of("Hangul jamo compose", "\u1100\u1161", "\uAC00"),
        Arguments.of("zero width space is dropped", "a\u200Bb", "ab"),
        Arguments.of("word joiner is dropped", "a\u2060b", "ab"),
        Arguments.of("BOM is dropped", "\uFEFFhello", "hello"),
        Arguments.of("a dropped space leaves one space", "a \u200B b", "a b"),
        Arguments.of("ZWSP inside a combining sequence", "e\u200B\u0301", "\u00E9"),
        Arguments.of("ZWJ joins emoji and is kept", "\uD83D\uDC69\u200D\uD83D\uDCBB", "👩\u200D💻"),
        Arguments.of("ZWNJ is kept", "a\u200Cb", "a\u200Cb"),
        Arguments.of("astral characters are kept", "\uD83D\uDE00 smile", "😀 smile"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void normalizes(String why, String raw, String expected) throws Exception {
    NewPrompt prompt = normalizer.normalize(raw, PROFILE);

    assertThat(prompt.normalizedText()).isEqualTo(expected);
    assertThat(prompt.rawText()).isEqualTo(raw);
    assertThat(prompt.normalizerVersion()).isEqualTo(1);
    assertThat(prompt.key()).isEqualTo(sha256Hex(PROFILE.id() + "\n" + expected));
    assertThat(normalizer.normalize(prompt.normalizedText(), PROFILE).normalizedText())
        .as("idempotent")
        .isEqualTo(expected);
  }

  static Stream<Arguments> rejects() {
    return Stream.of(
        Arguments.of("empty", "", "empty"),
        Arguments.of("white space only", " \t\n\u00A0\u3000 ", "empty"),
        Arguments.of("invisible only", "\u200B\uFEFF\u2060", "empty"),
        Arguments.of("NUL", "a\u0000b", "U+0000"),
        Arguments.of("bell", "a\u0007b", "U+0007"),
        Arguments.of("vertical tab", "a\u000Bb", "U+000B"),
        Arguments.of("escape", "\u001B[31m", "U+001B"),
        Arguments.of("DEL", "a\u007F", "U+007F"),
        Arguments.of("C1 next line", "a\u0085b", "U+0085"),
        Arguments.of("C1 CSI", "a\u009Bb", "U+009B"),
        Arguments.of("lone high surrogate", "a\uD800b", "unpaired surrogate"),
        Arguments.of("high surrogate at the end", "ab\uD83D", "unpaired surrogate"),
        Arguments.of("lone low surrogate", "\uDC00ab", "unpaired surrogate"),
        Arguments.of("reversed pair", "\uDE00\uD83D", "unpaired surrogate"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void rejects(String why, String raw, String messagePart) {
    assertThatThrownBy(() -> normalizer.normalize(raw, PROFILE))
        .isInstanceOfSatisfying(
            InvalidPromptException.class,
            e -> assertThat(e.code()).isEqualTo(CoreErrorCode.INVALID_PROMPT))
        .hasMessageContaining(messagePart);
  }

  @Test
  void rejectsAMissingPrompt() {
    assertThatThrownBy(() -> normalizer.normalize(null, PROFILE))
        .isInstanceOf(InvalidPromptException.class)
        .hasMessageContaining("JSON string");
  }

  @Test
  void theLimitCountsCodePointsAfterNormalization() {
    Normalizer limited = new Normalizer(5);

    assertThat(limited.normalize("😀😀😀😀😀", PROFILE).normalizedText()).hasSize(10);
    assertThat(limited.normalize("  a     b   c  ", PROFILE).normalizedText()).isEqualTo("a b c");
    assertThatThrownBy(() -> limited.normalize("abcdef", PROFILE))
        .isInstanceOfSatisfying(
            InvalidPromptException.class,
            e -> assertThat(e.code()).isEqualTo(CoreErrorCode.PROMPT_TOO_LONG))
        .hasMessageContaining("6 characters")
        .hasMessageContaining("OrchestratorSettings.maxPromptChars");
  }

  @Test
  void variantsOfOnePromptShareOneKey() {
    String key = normalizer.normalize("Write a poem about café", PROFILE).key();

    assertThat(normalizer.normalize("  Write\ta poem\u00A0about cafe\u0301 ", PROFILE).key())
        .isEqualTo(key);
    assertThat(normalizer.normalize("Write a\u3000poem about\u200B café\n", PROFILE).key())
        .isEqualTo(key);
    assertThat(normalizer.normalize("write a poem about café", PROFILE).key()).isNotEqualTo(key);
  }

  @Test
  void eachProfileKeysItsOwnPromptsWhenProfilesAlternate() {
    GenerationProfile other = GenerationProfile.of("openai", "gpt-4o-mini", "json_schema");

    for (GenerationProfile profile : List.of(PROFILE, other, PROFILE, other)) {
      NewPrompt prompt = normalizer.normalize("team", "hello", profile);
      assertThat(prompt.profileId()).isEqualTo(profile.id());
      assertThat(prompt.profile()).isEqualTo(profile.json());
      assertThat(prompt.key()).isEqualTo(PromptKey.of("team", profile.id(), "hello"));
    }
  }

  private static String sha256Hex(String text) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
