package dev.genie.persistence.legacy.internal;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's SQLite file, opened: its schema current, an earlier journal imported, the leases of
 * the process before ended; then one writer thread and a few readers.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  /** The database's file name in the data directory (SQLite adds -wal and -shm beside it). */
  public static final String FILE = "genie.db";

  /** Readers beside the writer: the server's request threads mostly read. */
  private static final int READERS = 4;

  private final Path file;
  private final WriteQueue writer;
  private final ReaderPool readers;

  private Database(Path file, WriteQueue writer, ReaderPool readers) {
    this.file = file;
    this.writer = writer;
    this.readers = readers;
  }

  /**
   * Opens {@code dir}'s database, creating it if missing.
   *
   * @param afterImportRecord called with the count after each journal record imported
   */
  public static Database open(Path dir, LongConsumer afterImportRecord) {
    Path file = dir.resolve(FILE);
    Db db = null;
    ReaderPool readers = null;
    try {
      db = Db.writer(file);
      Schema.migrate(db);
      JournalImport.run(db, dir, afterImportRecord);
      int ended = PromptRows.endLeases(db);
      if (ended > 0) {
        LOG.info("{} prompts were pending when the store last closed; a sweep resumes them", ended);
      }
      readers = ReaderPool.open(file, READERS);
      return new Database(file, WriteQueue.start(db), readers);
    } catch (SQLException e) {
      closeQuietly(db, readers);
      throw SqlErrors.translate(file, "opening", e);
    } catch (RuntimeException | Error e) {
      closeQuietly(db, readers);
      throw e;
    }
  }

  private static void closeQuietly(Db db, ReaderPool readers) {
    if (readers != null) {
      readers.close();
    }
    if (db != null) {
      try {
        db.close();
      } catch (SQLException e) {
        LOG.debug("closing {} after a failed open: {}", db.file(), e.toString());
      }
    }
  }

  public Path file() {
    return file;
  }

  public WriteQueue writer() {
    return writer;
  }

  public ReaderPool readers() {
    return readers;
  }

  /** Commits what was queued, then closes the writer and the readers. */
  @Override
  public void close() {
    try {
      writer.close();
    } finally {
      readers.close();
    }
  }
}
