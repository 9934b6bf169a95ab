package dev.genie.persistence.legacy.internal;

import dev.genie.persistence.StoreException;
import dev.genie.persistence.StoreUnavailableException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A few read-only connections, lent one caller at a time. With a write-ahead log, readers neither
 * wait for the writer nor hold it up, and each statement sees every commit made before it started.
 */
public final class ReaderPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReaderPool.class);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final Path file;
  private final int size;
  private final BlockingQueue<Db> idle;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ReaderPool(Path file, int size) {
    this.file = file;
    this.size = size;
    this.idle = new ArrayBlockingQueue<>(size);
  }

  public static ReaderPool open(Path file, int size) throws SQLException {
    ReaderPool pool = new ReaderPool(file, size);
    try {
      for (int i = 0; i < size; i++) {
        pool.idle.add(Db.reader(file));
      }
    } catch (SQLException e) {
      pool.close();
      throw e;
    }
    return pool;
  }

  /** Runs {@code work} on a reader, waiting up to ten seconds for one to be free. */
  public <T> T read(Work<T> work) {
    return read(work, WAIT);
  }

  public <T> T read(Work<T> work, Duration wait) {
    if (closed.get()) {
      throw new StoreException("the legacy store on " + file.getParent() + " is closed");
    }
    Db db = borrow(wait);
    try {
      return work.run(db);
    } catch (SQLException e) {
      throw SqlErrors.translate(file, "a read", e);
    } finally {
      idle.add(db);
    }
  }

  private Db borrow(Duration wait) {
    boolean interrupted = false;
    try {
      long deadline = System.nanoTime() + wait.toNanos();
      while (true) {
        try {
          Db db = idle.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          if (db == null) {
            throw new StoreUnavailableException(
                "no reader of the legacy store on "
                    + file
                    + " was free within "
                    + wait.toMillis()
                    + " ms; the store is overloaded");
          }
          return db;
        } catch (InterruptedException e) {
          // Reads are short: finish this one, and leave the flag for the caller to see.
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Closes every reader, waiting for those lent out to come back. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    for (int closed = 0; closed < size; closed++) {
      Db db;
      try {
        db = idle.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (db == null) {
        LOG.warn("a reader of {} was not returned within {} ms; left open", file, WAIT.toMillis());
        return;
      }
      try {
        db.close();
      } catch (SQLException e) {
        LOG.warn("closing a reader of {} failed: {}", file, e.toString());
      }
    }
  }
}
