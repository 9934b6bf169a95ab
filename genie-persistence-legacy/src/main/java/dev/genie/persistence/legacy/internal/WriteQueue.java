package dev.genie.persistence.legacy.internal;

import dev.genie.persistence.StoreException;
import dev.genie.persistence.StoreUnavailableException;
import java.nio.file.Files;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: one thread owns the writer's connection and runs every write. It takes what has
 * queued up (up to {@value #MAX_BATCH}), runs each write in a savepoint of one transaction, and
 * commits it with one fsync; only then is any caller of the batch answered. Under load the fsync is
 * shared by the whole batch; alone, a write waits for its own fsync and nothing else. A write that
 * throws rolls back to its savepoint and fails alone; a commit that fails fails the whole batch.
 */
public final class WriteQueue implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WriteQueue.class);
  private static final int MAX_BATCH = 256;
  private static final Task<Void> STOP = new Task<>(db -> null);

  private final Db db;
  private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  // Guards the closed bit against a submit racing close, so that nothing is queued after STOP.
  private final Object admission = new Object();
  private boolean closed;

  private WriteQueue(Db db) {
    this.db = db;
    this.thread = new Thread(this::run, "genie-legacy-writer");
    thread.setDaemon(true);
  }

  /** Starts the writer thread on {@code db}, which it owns from now on and closes on close. */
  public static WriteQueue start(Db db) {
    WriteQueue queue = new WriteQueue(db);
    queue.thread.start();
    return queue;
  }

  /**
   * Runs {@code work} in the next batch and returns once that batch is committed and fsynced. An
   * interrupt does not cut the wait short (the write may already be committed): the caller is
   * answered as usual and finds its interrupt flag set.
   */
  public <T> T submit(Work<T> work) {
    Task<T> task = new Task<>(work);
    synchronized (admission) {
      if (closed) {
        throw new StoreException("the legacy store on " + db.file().getParent() + " is closed");
      }
      queue.add(task);
    }
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return task.done.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          throw rethrown(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private RuntimeException rethrown(Throwable cause) {
    if (cause instanceof SQLException sql) {
      return SqlErrors.translate(db.file(), "a write", sql);
    }
    if (cause instanceof RuntimeException runtime) {
      return runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new StoreException("a write failed: " + cause, cause);
  }

  /** Whether the writer thread still runs. */
  public boolean isRunning() {
    return thread.isAlive();
  }

  private void run() {
    List<Task<?>> batch = new ArrayList<>();
    boolean stopping = false;
    while (!stopping) {
      batch.clear();
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        // Nobody but close stops this thread, and close uses STOP; carry on.
        continue;
      }
      queue.drainTo(batch, MAX_BATCH - 1);
      stopping = batch.remove(STOP);
      if (!batch.isEmpty()) {
        try {
          commit(batch);
        } catch (RuntimeException | Error e) {
          // Whatever happened, no caller may wait forever, and the thread goes on for the next.
          rollBack();
          failAll(batch, e);
        }
      }
    }
    List<Task<?>> left = new ArrayList<>();
    queue.drainTo(left);
    left.forEach(
        task ->
            task.done.completeExceptionally(
                new StoreException("the legacy store on " + db.file().getParent() + " closed")));
    try {
      db.close();
    } catch (SQLException e) {
      // Every acknowledged write was committed and fsynced; a failing close loses nothing.
      LOG.warn("closing the legacy store's writer on {} failed: {}", db.file(), e.toString());
    }
  }

  private void commit(List<Task<?>> batch) {
    if (!Files.isWritable(db.file())) {
      // Deleted or made read-only under the store: SQLite would go on writing to the open file
      // of a name that no restart finds.
      failAll(
          batch,
          new StoreUnavailableException(
              "the database " + db.file() + " is gone or no longer writable; restart Genie"));
      return;
    }
    try {
      db.exec("BEGIN IMMEDIATE");
    } catch (SQLException e) {
      failAll(batch, SqlErrors.translate(db.file(), "beginning a transaction", e));
      return;
    }
    List<Object> results = new ArrayList<>(batch.size());
    List<Throwable> errors = new ArrayList<>(batch.size());
    try {
      for (Task<?> task : batch) {
        runInSavepoint(task, results, errors);
      }
      db.exec("COMMIT");
    } catch (SQLException | RuntimeException e) {
      rollBack();
      failAll(
          batch,
          e instanceof SQLException sql ? SqlErrors.translate(db.file(), "a commit", sql) : e);
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).finish(results.get(i), errors.get(i));
    }
  }

  private void runInSavepoint(Task<?> task, List<Object> results, List<Throwable> errors)
      throws SQLException {
    // Prepared once: these run twice or three times for every write.
    db.prepare("SAVEPOINT write").execute();
    try {
      results.add(task.work.run(db));
      errors.add(null);
    } catch (SQLException | RuntimeException | Error e) {
      // An Error too (a stack overflow in one write, say): it fails that write, not the writer.
      db.prepare("ROLLBACK TO write").execute();
      results.add(null);
      errors.add(e);
    } finally {
      db.prepare("RELEASE write").execute();
    }
  }

  private void rollBack() {
    try {
      db.exec("ROLLBACK");
    } catch (SQLException e) {
      LOG.debug("rollback after a failed batch on {}: {}", db.file(), e.toString());
    }
  }

  private static void failAll(List<Task<?>> batch, Throwable error) {
    batch.forEach(task -> task.done.completeExceptionally(error));
  }

  /** Stops taking writes, commits what was queued, and closes the connection. */
  @Override
  public void close() {
    synchronized (admission) {
      if (closed) {
        return;
      }
      closed = true;
      queue.add(STOP);
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class Task<T> {
    final Work<T> work;
    final CompletableFuture<T> done = new CompletableFuture<>();

    Task(Work<T> work) {
      this.work = work;
    }

    @SuppressWarnings("unchecked")
    void finish(Object result, Throwable error) {
      if (error != null) {
        done.completeExceptionally(error);
      } else {
        done.complete((T) result);
      }
    }
  }
}
