package dev.genie.persistence.legacy;

import static dev.genie.persistence.legacy.TestPrompts.LEASE;
import static dev.genie.persistence.legacy.TestPrompts.T0;
import static dev.genie.persistence.legacy.TestPrompts.prompt;
import static dev.genie.persistence.legacy.TestPrompts.terms;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.genie.persistence.Claim;
import dev.genie.persistence.Fence;
import dev.genie.persistence.Result;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.StoreException;
import dev.genie.persistence.StoredPrompt;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The journal on disk: replay, torn tails, damage, the directory lock. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LegacyJournalTest {
  private static final String ENVELOPE = "{\"version\":1,\"pages\":[]}";

  @TempDir Path dir;
  private Path journal;
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
  void captureWarnings() {
    journal = dir.resolve("genie.journal");
    capture.start();
    storeLog.addAppender(capture);
  }

  @AfterEach
  void stopCapturing() {
    storeLog.detachAppender(capture);
  }

  @Test
  void aHalfWrittenLastRecordIsCutOffAndTheRecordsBeforeItKept() throws IOException {
    List<String> kept;
    long goodLength;
    long fullLength;
    try (LegacyPromptStore store = open()) {
      kept = claimAll(store, "one", "two");
      goodLength = Files.size(journal);
      store.claim(prompt("three"), terms("owner", T0));
      fullLength = Files.size(journal);
    }
    truncate(journal, goodLength + (fullLength - goodLength) / 2);

    try (LegacyPromptStore store = open()) {
      assertThat(store.list(10, Optional.empty()).items())
          .extracting(s -> s.prompt().id())
          .containsExactlyInAnyOrderElementsOf(kept);
      assertThat(Files.size(journal)).isEqualTo(goodLength);
      assertThat(store.claim(prompt("three"), terms("owner", T0)).created()).isTrue();
    }
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0).getFormattedMessage()).contains("cut short");
  }

  @Test
  void garbageAfterTheLastRecordIsCutOffWithOneWarning() throws IOException {
    List<String> kept;
    long goodLength;
    try (LegacyPromptStore store = open()) {
      kept = claimAll(store, "one", "two", "three");
      goodLength = Files.size(journal);
    }
    byte[] garbage = new byte[100];
    new Random(42).nextBytes(garbage);
    Files.write(journal, garbage, StandardOpenOption.APPEND);

    try (LegacyPromptStore store = open()) {
      assertThat(store.list(10, Optional.empty()).items())
          .extracting(s -> s.prompt().id())
          .containsExactlyInAnyOrderElementsOf(kept);
    }

    assertThat(Files.size(journal)).isEqualTo(goodLength);
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0).getFormattedMessage())
        .contains("cut 100 bytes at offset " + goodLength)
        .contains(journal.toString());
  }

  @Test
  void aChecksumMismatchInTheLastRecordCutsOffThatRecordOnly() throws IOException {
    long goodLength;
    String kept;
    try (LegacyPromptStore store = open()) {
      kept = claimAll(store, "one").get(0);
      goodLength = Files.size(journal);
      store.claim(prompt("two"), terms("owner", T0));
    }
    flipByte(journal, Files.size(journal) - 3);

    try (LegacyPromptStore store = open()) {
      assertThat(store.list(10, Optional.empty()).items())
          .extracting(s -> s.prompt().id())
          .containsExactly(kept);
    }
    assertThat(Files.size(journal)).isEqualTo(goodLength);
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0).getFormattedMessage()).contains("checksum mismatch");
  }

  @Test
  void damageFollowedByIntactRecordsIsRefusedAndTheFileLeftAsItIs() throws IOException {
    try (LegacyPromptStore store = open()) {
      claimAll(store, "one", "two", "three");
    }
    int firstRecord = 5; // after the GNJL header and its version byte
    flipByte(journal, firstRecord + 40);
    byte[] before = Files.readAllBytes(journal);

    assertThatThrownBy(this::open)
        .isInstanceOfSatisfying(
            CorruptJournalException.class, e -> assertThat(e.offset()).isEqualTo(firstRecord))
        .hasMessageContaining(journal.toString())
        .hasMessageContaining("corrupt at offset " + firstRecord)
        .hasMessageContaining("not a torn last write")
        .hasMessageContaining("LegacyStoreSettings.dataDir");
    assertThat(Files.readAllBytes(journal)).isEqualTo(before);
    assertThat(warnings).isEmpty();
  }

  @Test
  void everyStateSurvivesAReopenExactly() {
    Instant later = T0.plus(LEASE).plusNanos(1_000);
    List<StoredPrompt> before = new ArrayList<>();
    Fence takenFence;
    Fence staleFence;
    try (LegacyPromptStore store = open()) {
      Claim done = store.claim(prompt("completed"), terms("a", T0));
      store.complete(done.lease().orElseThrow(), ENVELOPE, T0.plusSeconds(1));
      Claim failed = store.claim(prompt("failed"), terms("a", T0));
      store.fail(failed.lease().orElseThrow(), "generator said no", T0.plusSeconds(2));
      Claim released = store.claim(prompt("released"), terms("a", T0));
      store.release(released.lease().orElseThrow(), T0.plusSeconds(3));
      Claim expired = store.claim(prompt("taken over"), terms("a", T0));
      staleFence = expired.lease().orElseThrow();
      takenFence =
          store.takeOver(staleFence, terms("b", later)).orElseThrow().lease().orElseThrow();
      before.addAll(store.list(10, Optional.empty()).items());
    }

    try (LegacyPromptStore store = open()) {
      // Exactly, but for the leases: the process that held them has ended, so they end on replay.
      assertThat(store.list(10, Optional.empty()).items())
          .isEqualTo(before.stream().map(LegacyJournalTest::leaseEnded).toList());
      assertThat(before)
          .extracting(s -> s.result().status())
          .containsExactlyInAnyOrder(
              ResultStatus.COMPLETED,
              ResultStatus.FAILED,
              ResultStatus.PENDING,
              ResultStatus.PENDING);
      assertThat(before)
          .filteredOn(s -> s.prompt().normalizedText().equals("taken over"))
          .singleElement()
          .satisfies(s -> assertThat(s.result().updatedAt()).isEqualTo(later));
      // The fencing token carries over: the stale owner stays fenced out, the new one completes.
      assertThat(store.complete(staleFence, "{\"stale\":true}", later)).isEmpty();
      assertThat(store.complete(takenFence, ENVELOPE, later)).isPresent();
    }
  }

  @Test
  void aReplayEndsTheLeasesOfTheProcessThatWroteItAndASweepResumesThem() {
    Fence deadOwners;
    try (LegacyPromptStore store = open()) {
      deadOwners = store.claim(prompt("orphan"), terms("dead", T0)).lease().orElseThrow();
    }

    try (LegacyPromptStore store = open()) {
      // Still within the dead owner's lease by the clock, and yet free to take.
      List<Claim> resumed = store.takeOverExpired(terms("heir", T0.plusSeconds(1)), 10);

      assertThat(resumed).singleElement();
      Fence heirs = resumed.get(0).lease().orElseThrow();
      assertThat(heirs.token()).isGreaterThan(deadOwners.token());
      assertThat(resumed.get(0).state().result().attempts()).isEqualTo(1);
      assertThat(store.complete(deadOwners, "{\"stale\":true}", T0)).isEmpty();
      assertThat(store.complete(heirs, ENVELOPE, T0.plusSeconds(2))).isPresent();
    }
  }

  private static StoredPrompt leaseEnded(StoredPrompt state) {
    Result r = state.result();
    return r.status() == ResultStatus.PENDING
        ? new StoredPrompt(state.prompt(), r.released(r.updatedAt()))
        : state;
  }

  @Test
  void aSecondStoreOnTheSameDirectoryIsRefusedUntilTheFirstCloses() {
    LegacyPromptStore first = open();
    try {
      assertThatThrownBy(this::open)
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(dir.toAbsolutePath().normalize().toString())
          .hasMessageContaining("another Genie process")
          .hasMessageContaining("LegacyStoreSettings.dataDir");
      first.claim(prompt("still mine"), terms("owner", T0));
    } finally {
      first.close();
    }

    try (LegacyPromptStore second = open()) {
      assertThat(second.list(10, Optional.empty()).items()).hasSize(1);
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aDirectoryHeldByAnotherProcessIsRefused() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process holder =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                DataDirHolder.class.getName(),
                dir.toString())
            .redirectError(dir.resolve("holder.err").toFile())
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(holder.getInputStream(), UTF_8));
      assertThat(out.readLine())
          .as("the holder process's first line; its stderr is in holder.err")
          .startsWith("open ");

      assertThatThrownBy(this::open)
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("is in use by another Genie process")
          .hasMessageContaining("LegacyStoreSettings.dataDir");

      holder.getOutputStream().close();
      assertThat(holder.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(holder.exitValue()).isZero();
    } finally {
      holder.destroyForcibly();
    }
    try (LegacyPromptStore store = open()) {
      store.ping(Duration.ofSeconds(1)); // the lock went with the process
    }
  }

  @Test
  void aJournalOfAnotherFormatVersionIsRefused() throws IOException {
    Files.write(journal, new byte[] {'G', 'N', 'J', 'L', 2});

    assertThatThrownBy(this::open)
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("format version 2")
        .hasMessageContaining("LegacyStoreSettings.dataDir");
    assertThat(Files.size(journal)).isEqualTo(5);
  }

  @Test
  void aFileThatIsNotAJournalIsRefused() throws IOException {
    Files.writeString(journal, "name,age\nada,36\n");

    assertThatThrownBy(this::open)
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("is not a Genie journal")
        .hasMessageContaining("LegacyStoreSettings.dataDir");
    assertThat(Files.readString(journal)).isEqualTo("name,age\nada,36\n");
  }

  private LegacyPromptStore open() {
    return LegacyPromptStore.open(new LegacyStoreSettings(dir));
  }

  private static List<String> claimAll(LegacyPromptStore store, String... texts) {
    List<String> ids = new ArrayList<>();
    for (String text : texts) {
      ids.add(store.claim(prompt(text), terms("owner", T0)).state().prompt().id());
    }
    return ids;
  }

  private static void truncate(Path file, long length) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(length);
    }
  }

  private static void flipByte(Path file, long offset) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) offset] ^= 0x5A;
    Files.write(file, bytes);
  }
}
