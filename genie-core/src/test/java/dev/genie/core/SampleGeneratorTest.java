package dev.genie.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.core.envelope.Envelope;
import dev.genie.core.envelope.EnvelopeCodec;
import dev.genie.core.generate.Generation;
import dev.genie.core.generate.SampleGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SampleGeneratorTest {
  private final SampleGenerator generator = new SampleGenerator(Duration.ZERO);

  @Test
  void theSamePromptAlwaysYieldsTheSamePages() throws Exception {
    Generation first = generator.generate("a poem about autumn");
    Generation again = new SampleGenerator(Duration.ZERO).generate("a poem about autumn");

    assertThat(again).isEqualTo(first);
    assertThat(first.model()).isEqualTo("genie-sample-1");
    assertThat(first.pages()).isNotEmpty();
    assertThat(first.pages().get(0).id()).isEqualTo("p1");
    assertThat(first.pages().get(0).title()).isEqualTo("a poem about autumn");
    assertThat(first.pages().get(0).blocks())
        .allSatisfy(b -> assertThat(b.type()).isEqualTo("text"));
  }

  @Test
  void aNegativeDelayIsRefusedInMilliseconds() {
    assertThatThrownBy(() -> new SampleGenerator(Duration.ofNanos(-5_000_000)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("delay must not be negative: -5 ms");
    assertThatThrownBy(() -> new SampleGenerator(Duration.ofNanos(-500_000)))
        .hasMessage("delay must not be negative: -0.5 ms");
  }

  @Test
  void differentPromptsYieldDifferentPages() throws Exception {
    assertThat(generator.generate("one").pages()).isNotEqualTo(generator.generate("two").pages());
  }

  @Test
  void theEnvelopeIsCanonicalJson() throws Exception {
    Instant at = Instant.parse("2026-01-02T03:04:05.123456Z");
    String envelope =
        EnvelopeCodec.write(Envelope.of(generator.generate("quote \" back\\slash\ttab é 😀"), at));

    assertThat(envelope)
        .startsWith("{\"version\":1,\"pages\":[{\"id\":\"p1\",\"title\":")
        .contains("\"title\":\"quote \\\" back\\\\slash\\ttab é 😀\"")
        .endsWith(
            "],\"metadata\":{\"model\":\"genie-sample-1\","
                + "\"generatedAt\":\"2026-01-02T03:04:05.123456Z\"}}")
        .doesNotContain("\n");
    assertThat(
            EnvelopeCodec.write(
                Envelope.of(generator.generate("quote \" back\\slash\ttab é 😀"), at)))
        .isEqualTo(envelope);
  }
}
