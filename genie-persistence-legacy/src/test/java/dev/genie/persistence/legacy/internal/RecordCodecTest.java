package dev.genie.persistence.legacy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.persistence.ApiKey;
import dev.genie.persistence.Failure;
import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.PromptKey;
import dev.genie.persistence.legacy.internal.JournalRecord.KeyCreated;
import dev.genie.persistence.legacy.internal.JournalRecord.KeyRevoked;
import dev.genie.persistence.legacy.internal.JournalRecord.KeyUsed;
import dev.genie.persistence.legacy.internal.JournalRecord.PromptCreated;
import dev.genie.persistence.legacy.internal.JournalRecord.ResultChanged;
import dev.genie.persistence.legacy.internal.JournalRecord.TokensCharged;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RecordCodecTest {
  private static final LeaseTerms TERMS =
      new LeaseTerms("test", Instant.parse("2026-05-01T12:00:00Z"), Duration.ofMinutes(1), 3);

  @Test
  void aPromptRoundTripsWithItsProfile() {
    NewPrompt text =
        new NewPrompt(
            PromptKey.of(PromptKey.sha256Hex("{}"), "a poem"),
            " a poem",
            "a poem",
            1,
            PromptKey.sha256Hex("{}"),
            "{}");
    PromptCreated created = ResultLifecycle.created(text, TERMS);
    assertThat(RecordCodec.decode(RecordCodec.encode(created))).isEqualTo(created);
  }

  @Test
  void aFailureKeepsTheEndpointsStatusAndWaitAndOneWithoutThemIsWrittenAsBefore() {
    PromptCreated created =
        ResultLifecycle.created(new NewPrompt("k", "a poem", "a poem", 1), TERMS);
    ResultChanged upstream =
        ResultLifecycle.failed(
            created.result(),
            new Failure("rate limited (HTTP 429)", 429, Duration.ofSeconds(3)),
            TERMS.now());
    ResultChanged plain =
        ResultLifecycle.failed(created.result(), Failure.of("no pages"), TERMS.now());

    assertThat(RecordCodec.decode(RecordCodec.encode(upstream))).isEqualTo(upstream);
    assertThat(RecordCodec.decode(RecordCodec.encode(plain))).isEqualTo(plain);
    assertThat(RecordCodec.encode(plain)[0])
        .as("the record type older builds read")
        .isEqualTo((byte) 2);
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

  @Test
  void aPromptKeepsItsNamespaceAndOneWrittenBeforeNamespacesIsTheDefaults() {
    NewPrompt text =
        new NewPrompt(
            PromptKey.of("team-a", PromptKey.SAMPLE_PROFILE_ID, "a poem"),
            "a poem",
            "a poem",
            1,
            PromptKey.SAMPLE_PROFILE_ID,
            PromptKey.SAMPLE_PROFILE_JSON,
            "team-a");
    PromptCreated created = ResultLifecycle.created(text, TERMS);
    PromptCreated plain = ResultLifecycle.created(new NewPrompt("k", "a poem", "a poem", 1), TERMS);
    byte[] before = RecordCodec.encode(plain);
    byte[] withoutNamespace = withoutNamespace(before, plain);

    assertThat(RecordCodec.decode(RecordCodec.encode(created))).isEqualTo(created);
    assertThat(RecordCodec.decode(withoutNamespace)).isEqualTo(plain);
  }

  @Test
  void keyRecordsRoundTrip() {
    ApiKey key =
        new ApiKey(
            "alice",
            "team-a",
            5,
            1000,
            true,
            Instant.parse("2026-05-01T12:00:00.000001Z"),
            null,
            null);
    byte[] hash = new byte[32];
    Arrays.fill(hash, (byte) 7);
    for (JournalRecord record :
        List.of(
            new KeyCreated(key, hash),
            new KeyRevoked("alice", TERMS.now()),
            new KeyUsed("alice", TERMS.now()),
            new TokensCharged("alice", LocalDate.parse("2026-05-01"), 1234))) {
      assertThat(RecordCodec.decode(RecordCodec.encode(record))).isEqualTo(record);
    }
  }

  /**
   * The record as written before namespaces: type 3, the prompt's fields without the namespace
   * string, which a default prompt wrote as {@code default} right before its result.
   */
  private static byte[] withoutNamespace(byte[] current, PromptCreated created) {
    byte[] result = RecordCodec.encode(new ResultChanged(created.result()));
    int resultBytes = result.length - 1;
    int namespaceBytes = Integer.BYTES + ApiKey.DEFAULT_NAMESPACE.length();
    int promptEnd = current.length - resultBytes - namespaceBytes;
    byte[] old = new byte[current.length - namespaceBytes];
    System.arraycopy(current, 0, old, 0, promptEnd);
    System.arraycopy(current, promptEnd + namespaceBytes, old, promptEnd, resultBytes);
    old[0] = 3;
    return old;
  }
}
