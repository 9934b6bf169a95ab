package dev.genie.persistence.legacy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.PromptKey;
import dev.genie.persistence.legacy.internal.JournalRecord.PromptCreated;
import dev.genie.persistence.legacy.internal.JournalRecord.ResultChanged;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
  private static final LeaseTerms TERMS =
      new LeaseTerms("test", Instant.parse("2026-05-01T12:00:00Z"), Duration.ofMinutes(1), 3);

  @Test
  void aPromptRoundTripsWithItsProfile() {
    NewPrompt text =
        new NewPrompt(
            PromptKey.of(PromptKey.sha256Hex("{}"), "a poem"),
            "a poem",
            " a poem",
            1,
            PromptKey.sha256Hex("{}"),
            "{}");
    PromptCreated created = ResultLifecycle.created(text, TERMS);
    assertThat(RecordCodec.decode(RecordCodec.encode(created))).isEqualTo(created);
  }

  @Test
  void aPromptWrittenBeforeProfilesIsReadUnderTheSampleProfileWithItsKeyTakenAgain()
      throws IOException {
    PromptCreated today = ResultLifecycle.created(new NewPrompt("k", "a poem", "a poem", 1), TERMS);
    byte[] result = RecordCodec.encode(new ResultChanged(today.result()));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(1); // the record type before profiles, with the key of the text alone
      for (String field :
          new String[] {today.prompt().id(), PromptKey.sha256Hex("a poem"), "a poem", "a poem"}) {
        byte[] utf8 = field.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
      }
      out.writeInt(1);
      out.writeBoolean(true);
      out.writeLong(TERMS.now().getEpochSecond() * 1_000_000L);
      out.write(Arrays.copyOfRange(result, 1, result.length));
    }

    PromptCreated replayed = (PromptCreated) RecordCodec.decode(bytes.toByteArray());

    assertThat(replayed.prompt().id()).isEqualTo(today.prompt().id());
    assertThat(replayed.prompt().key())
        .isEqualTo(PromptKey.of(PromptKey.SAMPLE_PROFILE_ID, "a poem"));
    assertThat(replayed.prompt().profileId()).isEqualTo(PromptKey.SAMPLE_PROFILE_ID);
    assertThat(replayed.prompt().profile()).isEqualTo(PromptKey.SAMPLE_PROFILE_JSON);
    assertThat(replayed.result()).isEqualTo(today.result());
  }
}
