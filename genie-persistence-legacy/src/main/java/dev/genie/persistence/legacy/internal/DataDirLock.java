package dev.genie.persistence.legacy.internal;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

import dev.genie.persistence.StoreException;
import dev.genie.persistence.legacy.DataDirInUseException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exclusive lock on a data directory, held while one store has it open, so that no second
 * writer interleaves records with it. The lock file itself stays behind, empty, on purpose:
 * deleting it would let two processes lock two different files of the same name.
 */
public final class DataDirLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DataDirLock.class);
  private static final String FILE_NAME = "genie.lock";

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code dir}.
   *
   * @throws DataDirInUseException when another process, or another store in this one, holds it
   * @throws StoreException when the lock file cannot be made or locked
   */
  public static DataDirLock acquire(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    FileChannel channel;
    try {
      channel = FileChannel.open(file, CREATE, WRITE);
    } catch (IOException e) {
      throw new StoreException(
          "cannot create the lock file "
              + file
              + ": "
              + e
              + "; LegacyStoreSettings.dataDir"
              + " must name a writable directory",
          e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // a store in this JVM holds it: the same conflict as another process
    } catch (IOException e) {
      closeQuietly(file, channel);
      throw new StoreException("cannot lock " + file + ": " + e, e);
    }
    if (lock == null) {
      closeQuietly(file, channel);
      throw new DataDirInUseException(dir, FILE_NAME);
    }
    return new DataDirLock(file, channel, lock);
  }

  public boolean isValid() {
    return lock.isValid();
  }

  /** Releases the lock; closing the channel releases it with the file. */
  @Override
  public void close() {
    closeQuietly(file, channel);
  }

  private static void closeQuietly(Path file, FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.warn("closing the lock file {} failed: {}", file, e.toString());
    }
  }
}
