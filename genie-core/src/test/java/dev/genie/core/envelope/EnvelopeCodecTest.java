package dev.genie.core.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.core.generate.Block;
import dev.genie.core.generate.Generation;
import dev.genie.core.generate.Page;
import dev.genie.core.generate.Usage;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stored envelope's text is a contract (stored results, hashes and ETags depend on it): each
 * expected text here is what Genie has always written for that envelope, byte for byte.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EnvelopeCodecTest {
  private static final Instant AT = Instant.parse("2026-05-01T12:00:00Z");

  @Test
  void usageAndFinishReasonComeLastInTheMetadata() {
    Envelope envelope =
        Envelope.of(
            new Generation("m", List.of(new Page("p1", "T", List.of())), new Usage(12, 34), "stop"),
            AT);

    assertCanonical(
        envelope,
        "{\"version\":1,\"pages\":[{\"id\":\"p1\",\"title\":\"T\",\"blocks\":[]}],"
            + "\"metadata\":{\"model\":\"m\",\"generatedAt\":\"2026-05-01T12:00:00Z\","
            + "\"finishReason\":\"stop\",\"usage\":{\"promptTokens\":12,\"completionTokens\":34}}}");
  }

  @Test
  void escapesAreTheCanonicalOnesAndOtherTextIsItself() {
    Envelope envelope =
        new Envelope(
            List.of(
                new Page(
                    "p1",
                    "quote \" back\\slash\ttab é 😀",
                    List.of(
                        Block.text("line\nbreak\r\u0000\u001f\u007f"),
                        new Block("code", "\u2028\u2029 \ud800 lone \udc00 </script>"))),
                new Page("p2", "", List.of())),
            "genie-sample-1",
            Instant.parse("2026-01-02T03:04:05.123456Z"));

    assertCanonical(
        envelope,
        "{\"version\":1,\"pages\":[{\"id\":\"p1\",\"title\":\"quote \\\" back\\\\slash\\ttab"
            + " \u00e9 \ud83d\ude00\",\"blocks\":[{\"type\":\"text\",\"content\":\"line\\nbreak"
            + "\\r\\u0000\\u001f\u007f\"},{\"type\":\"code\",\"content\":\"\\u2028\\u2029"
            + " \\ud800 lone \\udc00 </script>\"}]},{\"id\":\"p2\",\"title\":\"\",\"blocks\":[]}],"
            + "\"metadata\":{\"model\":\"genie-sample-1\","
            + "\"generatedAt\":\"2026-01-02T03:04:05.123456Z\"}}");
  }

  @Test
  void controlsWithoutAShortEscapeAreWrittenInLowerCaseHex() {
    Envelope envelope =
        new Envelope(
            List.of(new Page("p1", "日本語", List.of(Block.text("\b\f\u000b")))),
            "Ωmega",
            AT,
            "length",
            null);

    assertCanonical(
        envelope,
        "{\"version\":1,\"pages\":[{\"id\":\"p1\",\"title\":\"\u65e5\u672c\u8a9e\","
            + "\"blocks\":[{\"type\":\"text\",\"content\":\"\\u0008\\u000c\\u000b\"}]}],"
            + "\"metadata\":{\"model\":\"\u03a9mega\",\"generatedAt\":\"2026-05-01T12:00:00Z\","
            + "\"finishReason\":\"length\"}}");
  }

  @Test
  void theLargestCountsAreWrittenAndReadInFull() {
    Usage largest = new Usage(Long.MAX_VALUE, 0);
    Envelope envelope = new Envelope(List.of(), "m", Instant.EPOCH, null, largest);

    assertCanonical(
        envelope,
        "{\"version\":1,\"pages\":[],\"metadata\":{\"model\":\"m\","
            + "\"generatedAt\":\"1970-01-01T00:00:00Z\",\"usage\":{\"promptTokens\":"
            + "9223372036854775807,\"completionTokens\":0}}}");
    assertThat(EnvelopeCodec.usageOf(EnvelopeCodec.write(envelope))).contains(largest);
  }

  @Test
  void usageIsReadWhereverTheMetadataHoldsIt() {
    String usageFirst =
        "{\"metadata\":{\"usage\":{\"completionTokens\":2,\"promptTokens\":1},\"model\":\"m\","
            + "\"generatedAt\":\"2026-01-01T00:00:00Z\",\"finishReason\":\"stop\"},"
            + "\"pages\":[{\"id\":\"p1\",\"title\":\"t\",\"blocks\":[]}],\"version\":1}";

    assertThat(EnvelopeCodec.usageOf(usageFirst)).contains(new Usage(1, 2));
    assertThat(EnvelopeCodec.read(usageFirst).finishReason()).isEqualTo("stop");
    assertThat(EnvelopeCodec.usageOf(EnvelopeCodec.write(new Envelope(List.of(), "m", AT))))
        .isEmpty();
  }

  @Test
  void usageThatCannotBeCountsIsNoUsage() {
    for (String usage :
        List.of(
            "{\"tokens\":3}",
            "{\"promptTokens\":-1,\"completionTokens\":2}",
            "{\"promptTokens\":1,\"completionTokens\":99999999999999999999}",
            "{\"promptTokens\":{\"a\":1},\"completionTokens\":[2]}",
            "[1,2]",
            "\"many\"")) {
      String json =
          "{\"version\":1,\"pages\":[],\"metadata\":{\"model\":\"m\","
              + "\"generatedAt\":\"2026-01-01T00:00:00Z\",\"usage\":"
              + usage
              + ",\"finishReason\":\"stop\"}}";
      assertThat(EnvelopeCodec.read(json).usage()).as(usage).isNull();
      assertThat(EnvelopeCodec.read(json).finishReason()).as(usage).isEqualTo("stop");
    }
    assertThat(EnvelopeCodec.usageOf("{\"version\":1,")).isEmpty();
    assertThat(EnvelopeCodec.usageOf(null)).isEmpty();
  }

  @Test
  void unknownMembersAreSkipped() {
    Envelope envelope =
        EnvelopeCodec.read(
            "{\"version\":1,\"extra\":{\"a\":[1,2]},\"pages\":[{\"id\":\"p1\",\"title\":\"t\","
                + "\"x\":true,\"blocks\":[{\"type\":\"text\",\"content\":\"c\",\"y\":null}]}],"
                + "\"metadata\":{\"model\":\"m\",\"generatedAt\":\"2026-01-01T00:00:00Z\","
                + "\"other\":{\"tokens\":3}}}");

    assertThat(envelope.pages().get(0).blocks().get(0).content()).isEqualTo("c");
    assertThat(envelope.model()).isEqualTo("m");
  }

  @Test
  void anotherVersionAMissingMemberOrNoJsonIsRefusedSayingWhy() {
    assertThatThrownBy(
            () ->
                EnvelopeCodec.read(
                    "{\"version\":2,\"pages\":[],\"metadata\":{\"model\":\"m\","
                        + "\"generatedAt\":\"2026-01-01T00:00:00Z\"}}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version is 2");
    assertThatThrownBy(
            () -> EnvelopeCodec.read("{\"version\":1,\"pages\":[],\"metadata\":{\"model\":\"m\"}}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata.generatedAt");
    assertThatThrownBy(() -> EnvelopeCodec.read("{\"version\":1,"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid JSON");
  }

  /** Written as {@code expected}, and read back as the same envelope. */
  private static void assertCanonical(Envelope envelope, String expected) {
    assertThat(EnvelopeCodec.write(envelope)).isEqualTo(expected);
    assertThat(EnvelopeCodec.read(expected)).isEqualTo(envelope);
    assertThat(EnvelopeCodec.usageOf(expected))
        .isEqualTo(java.util.Optional.ofNullable(envelope.usage()));
  }
}
