package dev.genie.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.core.generate.Generation;
import dev.genie.core.internal.EnvelopeJson;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The envelope read back from the canonical JSON that Genie stores. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EnvelopeTest {
  @Test
  void itReadsBackWhatTheCoreWrites() {
    Generation generation = Views.numbered(3, 2);

    Envelope envelope = Envelope.parse(EnvelopeJson.write(generation, Views.GENERATED));

    assertThat(envelope.pages()).isEqualTo(generation.pages());
    assertThat(envelope.model()).isEqualTo("test-model");
    assertThat(envelope.generatedAt()).isEqualTo(Views.GENERATED);
  }

  @Test
  void unknownMembersAreSkipped() {
    Envelope envelope =
        Envelope.parse(
            "{\"version\":1,\"extra\":{\"a\":[1,2]},\"pages\":[{\"id\":\"p1\",\"title\":\"t\","
                + "\"x\":true,\"blocks\":[{\"type\":\"text\",\"content\":\"c\",\"y\":null}]}],"
                + "\"metadata\":{\"model\":\"m\",\"generatedAt\":\"2026-01-01T00:00:00Z\","
                + "\"usage\":{\"tokens\":3}}}");

    assertThat(envelope.pages().get(0).blocks().get(0).content()).isEqualTo("c");
  }

  @Test
  void anotherVersionOrNoJsonIsRefusedSayingWhy() {
    assertThatThrownBy(
            () ->
                Envelope.parse(
                    "{\"version\":2,\"pages\":[],\"metadata\":{\"model\":\"m\","
                        + "\"generatedAt\":\"2026-01-01T00:00:00Z\"}}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version is 2");
    assertThatThrownBy(() -> Envelope.parse("{\"version\":1,"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid JSON");
  }
}
