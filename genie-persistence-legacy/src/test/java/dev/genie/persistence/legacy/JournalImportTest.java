package dev.genie.persistence.legacy;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.genie.persistence.ApiKey;
import dev.genie.persistence.KeyStore;
import dev.genie.persistence.PromptKey;
import dev.genie.persistence.StoreException;
import dev.genie.persistence.StoredPrompt;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The upgrade from the journal store: {@code journal-v1/genie.journal} was written by the store
 * this one replaces, with every record type it writes (prompts in two namespaces and under two
 * profiles, completions, failures with and without the endpoint's status, a release, a takeover and
 * a renewal, a pending lease, keys created, used, charged and revoked); {@code expected.txt} is
 * what that store answered after a restart.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JournalImportTest {
  @TempDir Path dir;
  private Path journal;
  private Path imported;
  private byte[] fixture;
  private final Logger storeLog = (Logger) LoggerFactory.getLogger("dev.genie.persistence.legacy");
  private final List<ILoggingEvent> warnings = new ArrayList<>();
  private final AppenderBase<ILoggingEvent> capture =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
          if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
            warnings.add(event);
          }
        }
      };

  @BeforeEach
  void copyFixture() throws IOException {
    journal = dir.resolve("genie.journal");
    imported = dir.resolve("genie.journal.imported");
    try (InputStream in = getClass().getResourceAsStream("/journal-v1/genie.journal")) {
      fixture = in.readAllBytes();
    }
    Files.write(journal, fixture);
    capture.start();
    storeLog.addAppender(capture);
  }

  @AfterEach
  void stopCapturing() {
    storeLog.detachAppender(capture);
  }

  @Test
  void everyRecordOfTheJournalStoreIsImportedAndTheJournalKeptUnderAnotherName()
      throws IOException {
    try (LegacyPromptStore store = open()) {
      assertThat(state(store)).containsExactlyElementsOf(expected());
    }
    assertThat(journal).doesNotExist();
    assertThat(Files.readAllBytes(imported)).isEqualTo(fixture);

    try (LegacyPromptStore store = open()) {
      assertThat(state(store)).as("after a restart").containsExactlyElementsOf(expected());
    }
    assertThat(warnings).isEmpty();
  }

  @Test
  void aCrashMidImportCommitsNothingAndTheNextStartImportsEverything() throws IOException {
    RuntimeException crash = new RuntimeException("crash");
    assertThatThrownBy(
            () ->
                LegacyPromptStore.open(
                    new LegacyStoreSettings(dir),
                    count -> {
                      if (count == 12) {
                        throw crash;
                      }
                    }))
        .isSameAs(crash);
    assertThat(Files.readAllBytes(journal)).isEqualTo(fixture);
    assertThat(imported).doesNotExist();

    try (LegacyPromptStore store = open()) {
      assertThat(state(store)).containsExactlyElementsOf(expected());
    }
    assertThat(Files.readAllBytes(imported)).isEqualTo(fixture);
  }

  @Test
  void aCrashAfterTheImportBeforeTheRenameImportsNothingTwice() throws IOException {
    open().close();
    // As if the process died between the commit and the rename.
    Files.move(imported, journal);

    try (LegacyPromptStore store = open()) {
      assertThat(state(store)).containsExactlyElementsOf(expected());
    }
    assertThat(journal).doesNotExist();
    assertThat(Files.readAllBytes(imported)).isEqualTo(fixture);
  }

  @Test
  void aTornLastRecordIsLeftOutWithOneWarningAndTheJournalKeptWhole() throws IOException {
    byte[] torn = {(byte) 0x9E, 0x4A, (byte) 0xC0, (byte) 0xDE, 0, 0, 16, 0, 1, 2, 3, 4, 5};
    Files.write(journal, torn, StandardOpenOption.APPEND);

    try (LegacyPromptStore store = open()) {
      assertThat(state(store)).containsExactlyElementsOf(expected());
    }
    assertThat(warnings).singleElement();
    assertThat(warnings.get(0).getFormattedMessage())
        .contains("torn or damaged")
        .contains("left out its last " + torn.length + " bytes from offset " + fixture.length);
    assertThat(Files.size(imported)).isEqualTo(fixture.length + torn.length);
  }

  @Test
  void aJournalDamagedInTheMiddleIsRefusedImportsNothingAndIsLeftAsItIs() throws IOException {
    byte[] damaged = fixture.clone();
    int firstRecord = 5; // after the GNJL header and its version byte
    damaged[firstRecord + 40] ^= 0x5A;
    Files.write(journal, damaged);

    assertThatThrownBy(this::open)
        .isInstanceOfSatisfying(
            CorruptJournalException.class, e -> assertThat(e.offset()).isEqualTo(firstRecord))
        .hasMessageContaining(journal.toString())
        .hasMessageContaining("not a torn last write")
        .hasMessageContaining("LegacyStoreSettings.dataDir");
    assertThat(Files.readAllBytes(journal)).isEqualTo(damaged);

    Files.write(journal, fixture); // restored from a backup
    try (LegacyPromptStore store = open()) {
      assertThat(state(store)).containsExactlyElementsOf(expected());
    }
  }

  @Test
  void aJournalOfAnotherFormatVersionIsRefused() throws IOException {
    Files.write(journal, new byte[] {'G', 'N', 'J', 'L', 2});

    assertThatThrownBy(this::open)
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("format version 1")
        .hasMessageContaining("LegacyStoreSettings.dataDir");
    assertThat(Files.size(journal)).isEqualTo(5);
  }

  @Test
  void aFileThatIsNotAJournalIsRefused() throws IOException {
    Files.writeString(journal, "name,age\nada,36\n");

    assertThatThrownBy(this::open)
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("is not a journal this Genie can import")
        .hasMessageContaining("LegacyStoreSettings.dataDir");
    assertThat(Files.readString(journal)).isEqualTo("name,age\nada,36\n");
  }

  private LegacyPromptStore open() {
    return LegacyPromptStore.open(new LegacyStoreSettings(dir));
  }

  private List<String> expected() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/journal-v1/expected.txt")) {
      return new String(in.readAllBytes(), UTF_8).lines().toList();
    }
  }

  /** The store's answers, written as the fixture's expected.txt was. */
  private static List<String> state(LegacyPromptStore store) {
    List<String> state = new ArrayList<>();
    for (String ns : List.of("default", "team-a")) {
      for (StoredPrompt s : store.list(ns, 100, Optional.empty()).items()) {
        state.add("prompt " + s.prompt());
        state.add("result " + s.result());
      }
    }
    KeyStore keys = store.keys().orElseThrow();
    for (ApiKey k : keys.list()) {
      state.add("key " + k);
    }
    for (String name : List.of("alice", "bob")) {
      for (int day = 1; day <= 2; day++) {
        state.add(
            "spent "
                + name
                + " 2026-03-0"
                + day
                + " "
                + keys.spent(name, LocalDate.of(2026, 3, day)));
      }
    }
    state.add("found alice " + keys.findByHash(hash("alice-secret")).map(ApiKey::name));
    state.add("found bob " + keys.findByHash(hash("bob-secret")).map(ApiKey::name));
    return state;
  }

  private static byte[] hash(String key) {
    return HexFormat.of().parseHex(PromptKey.sha256Hex(key));
  }
}
