package dev.genie.persistence.legacy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.persistence.ApiKey;
import dev.genie.persistence.KeyStore;
import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.PromptKey;
import dev.genie.persistence.legacy.LegacyPromptStore;
import dev.genie.persistence.legacy.LegacyStoreSettings;
import dev.genie.persistence.legacy.internal.JournalRecord.GenerationKeyRecorded;
import dev.genie.persistence.legacy.internal.JournalRecord.KeyCreated;
import dev.genie.persistence.legacy.internal.JournalRecord.PromptCreated;
import dev.genie.persistence.legacy.internal.JournalRecord.TokensCharged;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The records the journal store wrote once budgets held (the fixture predates them): a reservation
 * settled below what it reserved (a negative {@link TokensCharged}) and the key that started a
 * prompt's generation ({@link GenerationKeyRecorded}, type 10), framed as that store framed them.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BudgetJournalImportTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456Z");
  private static final LocalDate DAY = LocalDate.of(2026, 3, 1);
  private static final LeaseTerms TERMS = new LeaseTerms("owner", T0, Duration.ofSeconds(30), 3);

  @TempDir Path dir;

  @Test
  void givenBackTokensAndEachPromptsGenerationKeyAreImported() throws IOException {
    PromptCreated first =
        ResultLifecycle.created(
            new NewPrompt(
                PromptKey.of(PromptKey.SAMPLE_PROFILE_ID, "a poem"), "a poem", "a poem", 1),
            TERMS);
    PromptCreated second =
        ResultLifecycle.created(
            new NewPrompt(
                PromptKey.of(PromptKey.SAMPLE_PROFILE_ID, "a song"), "a song", "a song", 1),
            TERMS);
    String firstId = first.prompt().id();
    String secondId = second.prompt().id();
    writeJournal(
        new KeyCreated(key("alice"), new byte[] {1}),
        new KeyCreated(key("bob"), new byte[] {2}),
        first,
        second,
        new TokensCharged("alice", DAY, 800), // reserved
        new GenerationKeyRecorded(firstId, "alice"),
        new TokensCharged("alice", DAY, -650), // settled: used 150 of 800
        new GenerationKeyRecorded(secondId, "alice"),
        new GenerationKeyRecorded(secondId, "bob"), // a later start by bob replaces alice
        new GenerationKeyRecorded("no-such-prompt", "alice"));

    try (LegacyPromptStore store = LegacyPromptStore.open(new LegacyStoreSettings(dir))) {
      KeyStore keys = store.keys().orElseThrow();
      assertThat(keys.spent("alice", DAY)).isEqualTo(150);
      assertThat(keys.generationKey(firstId)).contains("alice");
      assertThat(keys.generationKey(secondId)).contains("bob");
      assertThat(keys.generationKey("no-such-prompt")).isEmpty();
    }
    assertThat(dir.resolve("genie.journal.imported")).exists();
  }

  private static ApiKey key(String name) {
    return new ApiKey(name, "default", 0, 1_000, false, T0, null, null);
  }

  private void writeJournal(JournalRecord... records) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(JournalFormat.header());
    for (JournalRecord record : records) {
      out.write(JournalFormat.frame(RecordCodec.encode(record)));
    }
    Files.write(dir.resolve(JournalImport.JOURNAL_FILE), out.toByteArray());
  }
}
