package dev.genie.persistence.legacy.internal;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import dev.genie.persistence.StoreException;
import dev.genie.persistence.StoreUnavailableException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only journal file: replayed once on open, then appended to and fsynced once per
 * record. Not thread-safe; the store serializes its calls.
 */
public final class Journal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

  private final Path file;
  // A RandomAccessFile, not a FileChannel: a FileChannel is closed for every caller as soon as one
  // interrupted thread writes to it. getFD().sync() is the same fsync as FileChannel.force(true).
  private final RandomAccessFile out;
  private long end;
  private IOException broken;

  private Journal(Path file, RandomAccessFile out, long end) {
    this.file = file;
    this.out = out;
    this.end = end;
  }

  /**
   * Opens {@code file}, creating it if missing, and hands every record in it to {@code replay}. A
   * torn or damaged last record is cut off with one warning; damage anywhere else refuses to open.
   */
  public static Journal open(Path file, Consumer<JournalRecord> replay) {
    try {
      long end = replay(file, replay);
      RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw");
      return new Journal(file, out, end);
    } catch (IOException e) {
      throw new StoreException(
          "cannot open the legacy store's journal "
              + file
              + ": "
              + e
              + "; LegacyStoreSettings.dataDir"
              + " must name a readable, writable directory",
          e);
    }
  }

  private static long replay(Path file, Consumer<JournalRecord> replay) throws IOException {
    boolean existed = Files.exists(file);
    try (FileChannel channel = FileChannel.open(file, READ, WRITE, CREATE)) {
      long size = channel.size();
      if (size < JournalFormat.HEADER_BYTES) {
        writeHeader(file, channel, size);
        if (!existed) {
          syncDirectory(file.getParent());
        }
        return JournalFormat.HEADER_BYTES;
      }
      checkHeader(file, channel);
      JournalScanner.Outcome outcome = new JournalScanner(file, channel, size).scan(replay);
      if (outcome.tailProblem() != null) {
        channel.truncate(outcome.intactEnd());
        channel.force(true);
        LOG.warn(
            "Journal {} ended in a torn or damaged record ({}): cut {} bytes at offset {}; every"
                + " record before it is intact",
            file,
            outcome.tailProblem(),
            size - outcome.intactEnd(),
            outcome.intactEnd());
      }
      return outcome.intactEnd();
    }
  }

  /** Writes the header of a new file, or of one whose creation was cut short before it. */
  private static void writeHeader(Path file, FileChannel channel, long size) throws IOException {
    byte[] header = JournalFormat.header();
    ByteBuffer existing = ByteBuffer.allocate((int) size);
    channel.read(existing, 0);
    if (!Arrays.equals(existing.array(), Arrays.copyOf(header, (int) size))) {
      throw notAJournal(file);
    }
    channel.write(ByteBuffer.wrap(header), 0);
    channel.force(true);
    if (size > 0) {
      LOG.warn("Journal {} had a header cut short; wrote it again", file);
    }
  }

  private static void checkHeader(Path file, FileChannel channel) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(JournalFormat.HEADER_BYTES);
    channel.read(header, 0);
    byte[] magic = Arrays.copyOf(header.array(), JournalFormat.MAGIC.length);
    if (!Arrays.equals(magic, JournalFormat.MAGIC)) {
      throw notAJournal(file);
    }
    byte version = header.get(JournalFormat.MAGIC.length);
    if (version != JournalFormat.VERSION) {
      throw new StoreException(
          "the legacy store's journal "
              + file
              + " has format version "
              + version
              + " but this Genie reads version "
              + JournalFormat.VERSION
              + "; open it with the Genie that wrote it, or set"
              + " LegacyStoreSettings.dataDir to another directory");
    }
  }

  private static StoreException notAJournal(Path file) {
    return new StoreException(
        file
            + " is not a Genie journal: it does not start with the GNJL header;"
            + " LegacyStoreSettings.dataDir must name a directory that only Genie writes to");
  }

  /** Makes a new file's directory entry durable too. Linux allows it; elsewhere it may not. */
  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, READ)) {
      channel.force(true);
    } catch (IOException e) {
      LOG.debug("cannot fsync directory {} on this platform: {}", dir, e.toString());
    }
  }

  /**
   * Appends {@code record} and returns once it is on disk.
   *
   * @throws StoreUnavailableException when the write or the fsync failed; nothing is applied then
   */
  public void append(JournalRecord record) {
    check();
    byte[] payload = RecordCodec.encode(record);
    if (payload.length > JournalFormat.MAX_PAYLOAD_BYTES) {
      throw new StoreException(
          "a journal record of "
              + payload.length
              + " bytes exceeds the limit of "
              + JournalFormat.MAX_PAYLOAD_BYTES
              + "; nothing was stored");
    }
    byte[] frame = JournalFormat.frame(payload);
    try {
      out.seek(end);
      out.write(frame);
    } catch (IOException e) {
      rollBack();
      throw new StoreUnavailableException(
          "cannot append to the journal " + file + " at offset " + end + ": " + e, e);
    }
    try {
      out.getFD().sync();
    } catch (IOException e) {
      // After a failed fsync the page cache cannot be trusted (PostgreSQL's "fsyncgate"): stop
      // writing and let a restart replay what really reached the disk.
      broken = e;
      throw unusable();
    }
    end += frame.length;
  }

  /** Cuts a partly written frame off, so that the next append does not follow garbage. */
  private void rollBack() {
    try {
      out.setLength(end);
      out.getFD().sync();
    } catch (IOException e) {
      broken = e;
    }
  }

  /**
   * Checks that appends can still succeed.
   *
   * @throws StoreUnavailableException when they cannot
   */
  public void check() {
    if (broken != null) {
      throw unusable();
    }
    if (!Files.isWritable(file)) {
      throw new StoreUnavailableException(
          "the journal " + file + " is gone or no longer writable; restart Genie");
    }
  }

  private StoreUnavailableException unusable() {
    return new StoreUnavailableException(
        "the journal "
            + file
            + " failed a write and is closed for writing ("
            + broken
            + "); fix the disk, then restart Genie to replay what it holds",
        broken);
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      // Every acknowledged record was already fsynced; a failing close loses nothing.
      LOG.warn("closing the journal {} failed: {}", file, e.toString());
    }
  }
}
