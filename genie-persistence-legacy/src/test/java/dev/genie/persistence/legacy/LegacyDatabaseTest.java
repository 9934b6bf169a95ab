package dev.genie.persistence.legacy;

import static dev.genie.persistence.legacy.TestPrompts.LEASE;
import static dev.genie.persistence.legacy.TestPrompts.T0;
import static dev.genie.persistence.legacy.TestPrompts.prompt;
import static dev.genie.persistence.legacy.TestPrompts.terms;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.persistence.Claim;
import dev.genie.persistence.Fence;
import dev.genie.persistence.Result;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.SchemaException;
import dev.genie.persistence.StoreException;
import dev.genie.persistence.StoredPrompt;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The database on disk: reopening, leases of a process that ended, damage, the directory lock. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LegacyDatabaseTest {
  private static final String ENVELOPE = "{\"version\":1,\"pages\":[]}";

  @TempDir Path dir;
  private Path database;

  @BeforeEach
  void nameTheDatabase() {
    database = dir.resolve("genie.db");
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
          .isEqualTo(before.stream().map(LegacyDatabaseTest::leaseEnded).toList());
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
  void aDatabaseWhoseHeaderIsDamagedIsRefusedLoudlyAndLeftAsItIs() throws IOException {
    try (LegacyPromptStore store = open()) {
      claimAll(store, "one", "two", "three");
    }
    byte[] damaged = Files.readAllBytes(database);
    for (int i = 0; i < 100; i++) {
      damaged[i] ^= 0x5A;
    }
    Files.write(database, damaged);

    assertThatThrownBy(this::open)
        .isInstanceOfSatisfying(
            CorruptStoreException.class, e -> assertThat(e.file()).isEqualTo(database))
        .hasMessageContaining(database.toString())
        .hasMessageContaining("damaged")
        .hasMessageContaining("LegacyStoreSettings.dataDir");
    assertThat(Files.readAllBytes(database)).isEqualTo(damaged);
    // The lock went with the failed open: a fixed directory opens at once.
    Files.delete(database);
    open().close();
  }

  @Test
  void aDatabaseDamagedPastItsFirstPageIsRefusedLoudly() throws IOException {
    try (LegacyPromptStore store = open()) {
      for (int i = 0; i < 200; i++) {
        store.claim(prompt("prompt " + i), terms("owner", T0));
      }
    }
    byte[] bytes = Files.readAllBytes(database);
    int pageSize = 4096;
    assertThat(bytes.length).isGreaterThan(4 * pageSize);
    byte[] garbage = new byte[bytes.length - pageSize];
    new Random(7).nextBytes(garbage);
    System.arraycopy(garbage, 0, bytes, pageSize, garbage.length);
    Files.write(database, bytes);

    assertThatThrownBy(
            () -> {
              try (LegacyPromptStore store = open()) {
                store.list(1000, Optional.empty());
              }
            })
        .isInstanceOf(CorruptStoreException.class)
        .hasMessageContaining(database.toString())
        .hasMessageContaining("LegacyStoreSettings.dataDir");
  }

  @Test
  void aFileThatIsNotADatabaseIsRefusedAndLeftAsItIs() throws IOException {
    Files.writeString(database, "name,age\nada,36\n");

    assertThatThrownBy(this::open)
        .isInstanceOf(CorruptStoreException.class)
        .hasMessageContaining("not a database")
        .hasMessageContaining("LegacyStoreSettings.dataDir");
    assertThat(Files.readString(database)).isEqualTo("name,age\nada,36\n");
  }

  @Test
  void aDatabaseOfANewerGenieIsRefusedNamingBothVersions() throws Exception {
    open().close();
    try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + database);
        Statement s = raw.createStatement()) {
      s.execute("PRAGMA user_version = 99");
    }

    assertThatThrownBy(this::open)
        .isInstanceOf(SchemaException.class)
        .hasMessageContaining("schema version 99, newer than this Genie's 2")
        .hasMessageContaining("LegacyStoreSettings.dataDir");
  }

  @Test
  void aDatabaseOfTheFirstSchemaIsMigratedKeepingItsPromptsAndRecordsGenerationKeysAfter()
      throws Exception {
    String promptId;
    try (LegacyPromptStore store = open()) {
      promptId = store.claim(prompt("before budgets"), terms("owner", T0)).state().prompt().id();
    }
    // As the first version of this store left it: no generation_key column, user_version 1.
    try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + database);
        Statement s = raw.createStatement()) {
      s.execute("ALTER TABLE genie_prompts DROP COLUMN generation_key");
      s.execute("PRAGMA user_version = 1");
    }

    try (LegacyPromptStore store = open()) {
      assertThat(store.find(promptId)).isPresent();
      var keys = store.keys().orElseThrow();
      keys.create(
          new dev.genie.persistence.ApiKey("alice", "default", 0, 100, false, T0, null, null),
          new byte[] {1, 2, 3});
      assertThat(keys.generationKey(promptId)).isEmpty();
      keys.recordGenerationKey(promptId, "alice");
      assertThat(keys.generationKey(promptId)).contains("alice");
    }
    try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + database);
        Statement s = raw.createStatement();
        ResultSet version = s.executeQuery("PRAGMA user_version")) {
      assertThat(version.next()).isTrue();
      assertThat(version.getInt(1)).isEqualTo(2);
    }
  }

  @Test
  void anotherApplicationsDatabaseIsRefused() throws Exception {
    try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + database);
        Statement s = raw.createStatement()) {
      s.execute("CREATE TABLE customers (name TEXT)");
    }

    assertThatThrownBy(this::open)
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("not Genie's")
        .hasMessageContaining("LegacyStoreSettings.dataDir");
  }

  @Test
  void theDatabaseKeepsAWriteAheadLog() throws Exception {
    open().close();
    try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + database);
        Statement s = raw.createStatement();
        ResultSet mode = s.executeQuery("PRAGMA journal_mode")) {
      assertThat(mode.next()).isTrue();
      assertThat(mode.getString(1)).isEqualTo("wal");
    }
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
}
