package dev.genie.persistence.sql.internal;

import dev.genie.persistence.StoreUnavailableException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Lets as many statements through at once as the pool has connections, and parks the others in
 * arrival order. HikariCP hands a returned connection to a waiting borrower by spinning on
 * Thread.yield until one takes it: with more request threads than connections, that cost many
 * context switches per request. Behind this gate a borrower always finds a connection free.
 */
public final class PoolGate {
  private final Semaphore permits;
  private final int size;

  public PoolGate(int size) {
    this.permits = new Semaphore(size, true);
    this.size = size;
  }

  /**
   * Waits for a free connection, up to the request's deadline.
   *
   * @throws StoreUnavailableException when every connection stayed busy that long
   */
  public void enter(String action, Deadline deadline) {
    try {
      if (!permits.tryAcquire(deadline.nanosLeft(), TimeUnit.NANOSECONDS)) {
        throw new StoreUnavailableException(
            "could not "
                + action
                + ": all "
                + size
                + " connections stayed busy until it had waited "
                + deadline.budgetMillis()
                + " ms (SqlStoreSettings.poolSize, "
                + deadline.setting()
                + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException(
          "could not " + action + ": interrupted while waiting for a connection", e);
    }
  }

  /** Gives back what {@link #enter} took; call it once the connection is back in the pool. */
  public void leave() {
    permits.release();
  }
}
