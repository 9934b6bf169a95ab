package dev.genie.persistence.legacy.internal;

import static java.nio.file.StandardOpenOption.READ;

import dev.genie.persistence.StoreException;
import dev.genie.persistence.legacy.internal.JournalRecord.GenerationKeyRecorded;
import dev.genie.persistence.legacy.internal.JournalRecord.KeyCreated;
import dev.genie.persistence.legacy.internal.JournalRecord.KeyRevoked;
import dev.genie.persistence.legacy.internal.JournalRecord.KeyUsed;
import dev.genie.persistence.legacy.internal.JournalRecord.PromptCreated;
import dev.genie.persistence.legacy.internal.JournalRecord.ResultChanged;
import dev.genie.persistence.legacy.internal.JournalRecord.TokensCharged;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the journal of an earlier Genie into the database, on the first open by this one. The whole
 * journal goes in one transaction together with the mark that it is done, and is read one record at
 * a time (a journal larger than the heap imports all the same). A crash mid-import commits nothing,
 * so the next open starts it again from the top; only after the commit is the journal renamed to
 * {@value #IMPORTED_SUFFIX}-suffixed, and a crash before that rename finds the mark and only
 * renames. The journal is never deleted.
 */
public final class JournalImport {
  private static final Logger LOG = LoggerFactory.getLogger(JournalImport.class);
  public static final String JOURNAL_FILE = "genie.journal";
  static final String IMPORTED_SUFFIX = ".imported";
  private static final String MARK = "journal_imported";

  private JournalImport() {}

  /**
   * Imports {@code dir}'s journal into {@code db} if there is one, calling {@code afterRecord} with
   * the count after each record (tests stop an import there, as a crash would).
   *
   * @throws dev.genie.persistence.legacy.CorruptJournalException when the journal is damaged other
   *     than in its last record; nothing is imported then and the journal is left as it is
   */
  static void run(Db db, Path dir, LongConsumer afterRecord) throws SQLException {
    Path journal = dir.resolve(JOURNAL_FILE);
    if (!Files.exists(journal)) {
      return;
    }
    if (mark(db) == null) {
      importAll(db, journal, afterRecord);
    }
    Path kept = dir.resolve(JOURNAL_FILE + IMPORTED_SUFFIX);
    try {
      Files.move(
          journal, kept, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new StoreException(
          "imported the journal "
              + journal
              + " but cannot rename it to "
              + kept
              + ": "
              + e
              + "; LegacyStoreSettings.dataDir must name a writable directory",
          e);
    }
    LOG.info("The journal of an earlier Genie is imported ({}); it is kept as {}", mark(db), kept);
  }

  private static String mark(Db db) throws SQLException {
    PreparedStatement s = db.prepare("SELECT value FROM genie_meta WHERE name = ?");
    s.setString(1, MARK);
    try (var rows = s.executeQuery()) {
      return rows.next() ? rows.getString(1) : null;
    }
  }

  private static void importAll(Db db, Path journal, LongConsumer afterRecord) throws SQLException {
    LOG.info("Importing the journal {} of an earlier Genie into {}", journal, db.file());
    long[] count = {0};
    db.exec("BEGIN IMMEDIATE");
    try (FileChannel channel = FileChannel.open(journal, READ)) {
      long size = channel.size();
      checkHeader(journal, channel, size);
      JournalScanner.Outcome outcome =
          new JournalScanner(journal, channel, size)
              .scan(
                  record -> {
                    apply(db, record);
                    afterRecord.accept(++count[0]);
                  });
      if (outcome.tailProblem() != null) {
        LOG.warn(
            "Journal {} ended in a torn or damaged record ({}): left out its last {} bytes from"
                + " offset {}; every record before them is imported",
            journal,
            outcome.tailProblem(),
            size - outcome.intactEnd(),
            outcome.intactEnd());
      }
      PreparedStatement s = db.prepare("INSERT INTO genie_meta (name, value) VALUES (?, ?)");
      s.setString(1, MARK);
      s.setString(2, count[0] + " records of " + outcome.intactEnd() + " bytes");
      s.executeUpdate();
      db.exec("COMMIT");
    } catch (IOException e) {
      rollBack(db);
      throw new StoreException(
          "cannot read the journal "
              + journal
              + " to import it: "
              + e
              + "; LegacyStoreSettings.dataDir must name a readable directory",
          e);
    } catch (SQLException | RuntimeException | Error e) {
      rollBack(db);
      if (e instanceof UncheckedSql wrapped) {
        throw wrapped.getCause();
      }
      throw e;
    }
  }

  private static void checkHeader(Path journal, FileChannel channel, long size) throws IOException {
    if (size == 0) {
      return; // created, and cut short before its header: nothing was ever in it
    }
    ByteBuffer header = ByteBuffer.allocate(JournalFormat.HEADER_BYTES);
    channel.read(header, 0);
    byte[] magic = Arrays.copyOf(header.array(), JournalFormat.MAGIC.length);
    if (size < JournalFormat.HEADER_BYTES
        || !Arrays.equals(magic, JournalFormat.MAGIC)
        || header.get(JournalFormat.MAGIC.length) != JournalFormat.VERSION) {
      throw new StoreException(
          journal
              + " is not a journal this Genie can import: it does not start with the GNJL header"
              + " of format version "
              + JournalFormat.VERSION
              + "; move it out of LegacyStoreSettings.dataDir, or open the directory with the"
              + " Genie that wrote it");
    }
  }

  /** Applies one record; a contradiction is damage, reported by the scanner with its offset. */
  private static void apply(Db db, JournalRecord record) {
    try {
      if (!applied(db, record)) {
        throw new IllegalStateException(record + " contradicts the records before it");
      }
    } catch (SQLException e) {
      throw new UncheckedSql(e);
    }
  }

  private static boolean applied(Db db, JournalRecord record) throws SQLException {
    if (record instanceof PromptCreated created) {
      if (PromptRows.byKey(db, created.prompt().key()).isPresent()
          || PromptRows.byPromptId(db, created.prompt().id()).isPresent()) {
        return false;
      }
      PromptRows.insert(db, created.prompt(), created.result());
      return true;
    }
    if (record instanceof ResultChanged changed) {
      return PromptRows.update(db, changed.result());
    }
    if (record instanceof KeyCreated created) {
      if (KeyRows.byName(db, created.name()).isPresent()
          || KeyRows.holdsHash(db, created.keyHash())) {
        return false;
      }
      KeyRows.insert(db, created.key(), created.keyHash());
      return true;
    }
    if (record instanceof KeyRevoked revoked) {
      return KeyRows.set(db, revoked.name(), "revoked_at", revoked.at());
    }
    if (record instanceof KeyUsed used) {
      return KeyRows.set(db, used.name(), "last_used_at", used.at());
    }
    if (record instanceof TokensCharged charged) {
      if (KeyRows.byName(db, charged.name()).isEmpty()) {
        return false;
      }
      // Negative when a settled reservation gave back what its generation did not use.
      KeyRows.charge(db, charged.name(), charged.day(), charged.tokens());
      return true;
    }
    if (record instanceof GenerationKeyRecorded recorded) {
      // The journal store checked neither the key nor the prompt when it replayed this record, so
      // neither is checked here: one it cannot attach (no such prompt or key) is skipped, not
      // taken for damage.
      KeyRows.recordGenerationKey(db, recorded.promptId(), recorded.name());
      return true;
    }
    throw new IllegalStateException("no import for " + record + "; this is a bug");
  }

  /** Carries an SQLException out of the scanner's callback. */
  private static final class UncheckedSql extends RuntimeException {
    UncheckedSql(SQLException cause) {
      super(cause);
    }

    @Override
    public synchronized SQLException getCause() {
      return (SQLException) super.getCause();
    }
  }

  private static void rollBack(Db db) {
    try {
      db.exec("ROLLBACK");
    } catch (SQLException e) {
      LOG.debug("rollback of a failed import: {}", e.toString());
    }
  }
}
