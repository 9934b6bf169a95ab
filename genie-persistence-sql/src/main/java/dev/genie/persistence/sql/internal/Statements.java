package dev.genie.persistence.sql.internal;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.genie.persistence.StoreUnavailableException;
import dev.genie.persistence.sql.SqlStoreSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.Function;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;

/**
 * Runs the store's statements: each one autocommitted on a connection of its own (through a pooler
 * in transaction mode, one transaction that sets its own timeouts first), behind the {@link
 * PoolGate}, and retried on a fresh connection while the primary seems to be changing ({@link
 * Outage}). Every wait on the way, for the gate and for HikariCP, ends by the request's {@link
 * Deadline}.
 */
public final class Statements {
  static final String CONNECTION_TIMEOUT = "SqlStoreSettings.connectionTimeout";
  static final String FAILOVER_WAIT = "SqlStoreSettings.failoverWait";

  private static final long FIRST_RETRY_PAUSE_MILLIS = 50;
  private static final long MAX_RETRY_PAUSE_MILLIS = 500;

  private final HikariDataSource dataSource;
  private final boolean pooled;
  private final String setLocalTimeouts;
  private final SqlSessionFactory sessions;
  private final Duration connectionTimeout;
  private final Duration failoverWait;
  private final PoolGate gate;
  private final Outage outage;

  public Statements(ConnectionPool pool, SqlSessionFactory sessions, SqlStoreSettings settings) {
    this.dataSource = pool.dataSource();
    this.pooled = pool.pooled();
    this.setLocalTimeouts = ConnectionSettings.setLocalTimeouts(settings);
    this.sessions = sessions;
    this.connectionTimeout = settings.connectionTimeout();
    this.failoverWait = settings.failoverWait();
    this.gate = new PoolGate(settings.poolSize());
    this.outage = new Outage(settings.failoverWait());
  }

  /**
   * The deadline of a request the store takes now: its statement must have a connection within
   * {@link SqlStoreSettings#connectionTimeout()}, however many queues it waits in on the way.
   */
  public Deadline admit() {
    return Deadline.after(connectionTimeout, CONNECTION_TIMEOUT);
  }

  /**
   * Whether a statement found the primary away, and none has succeeded since: requests then go
   * alone, so that each is retried, or told at once, on its own.
   */
  public boolean outageSuspected() {
    return outage.suspected();
  }

  /** The pool the statements borrow from. */
  public HikariDataSource dataSource() {
    return dataSource;
  }

  /**
   * {@link #run(String, Deadline, Function, Function)} admitted now, with no lost answer to find.
   */
  public <T> T run(String action, Function<PromptMapper, T> work) {
    return run(action, admit(), work, work);
  }

  /** {@link #run(String, Deadline, Function, Function)} with no lost answer to find. */
  public <T> T run(String action, Deadline deadline, Function<PromptMapper, T> work) {
    return run(action, deadline, work, work);
  }

  /**
   * Runs {@code first}, retrying on a fresh connection while the failure says that the primary went
   * away, until {@link SqlStoreSettings#failoverWait()} after the request was admitted: the time a
   * standby takes to be promoted. Running a statement of this store again changes nothing that its
   * first run did: it is a read, a claim that its key decides, or a compare-and-set on the fencing
   * token. But an attempt may have committed and lost only its answer (the primary crashed after
   * its commit reached the synchronous standby): each retry runs {@code again}, which finds what
   * such an attempt was granted as its own. Once the primary has been away for longer than a
   * failover takes, requests fail at once ({@link Outage}).
   */
  public <T> T run(
      String action,
      Deadline deadline,
      Function<PromptMapper, T> first,
      Function<PromptMapper, T> again) {
    boolean mayRetry = outage.admit(action);
    long retryUntil = deadline.admitted() + failoverWait.toNanos();
    Deadline waitUntil = deadline;
    long pauseMillis = FIRST_RETRY_PAUSE_MILLIS;
    Function<PromptMapper, T> work = first;
    while (true) {
      try {
        T result = once(action, waitUntil, work);
        outage.primaryBack();
        return result;
      } catch (StoreUnavailableException e) {
        if (!StoreFailures.primaryAway(e)) {
          throw e;
        }
        outage.primaryAway();
        if (!mayRetry || System.nanoTime() + pauseMillis * 1_000_000 - retryUntil > 0) {
          throw e;
        }
        try {
          Thread.sleep(pauseMillis);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        pauseMillis = Math.min(2 * pauseMillis, MAX_RETRY_PAUSE_MILLIS);
        waitUntil = deadline.extendedTo(failoverWait, FAILOVER_WAIT);
        work = again;
      }
    }
  }

  /**
   * One autocommitted statement on a direct connection; through a pooler in transaction mode, a
   * transaction that sets its own timeouts first, so that nothing outlives it on the server
   * connection the pooler lent.
   */
  private <T> T once(String action, Deadline deadline, Function<PromptMapper, T> work) {
    gate.enter(action, deadline);
    try (SqlSession session = sessions.openSession(borrow(action, deadline))) {
      if (!pooled) {
        return work.apply(session.getMapper(PromptMapper.class));
      }
      try (Statement timeouts = session.getConnection().createStatement()) {
        timeouts.execute(setLocalTimeouts);
      }
      T result = work.apply(session.getMapper(PromptMapper.class));
      session.commit(true);
      return result;
    } catch (SQLException e) {
      throw StoreFailures.translate(action, e);
    } catch (RuntimeException e) {
      throw StoreFailures.translate(action, e);
    } finally {
      gate.leave(); // after the session closed: its connection is back in the pool
    }
  }

  /**
   * A connection from the pool, waiting for one no longer than {@code deadline}: behind the gate
   * one is usually free, but not while the pool is still connecting, as after a failover. In
   * autocommit on a direct connection; through a pooler, in a transaction, which the pool ends when
   * the connection comes back.
   */
  private Connection borrow(String action, Deadline deadline) throws SQLException {
    long millis = Math.max(1, deadline.nanosLeft() / 1_000_000);
    Connection connection;
    try {
      connection =
          !dataSource.isClosed() && dataSource.getHikariPoolMXBean() instanceof HikariPool pool
              ? pool.getConnection(millis)
              : dataSource.getConnection(); // closed: it fails at once, as a closed pool does
    } catch (SQLTransientConnectionException e) {
      // Still a connection failure underneath, which a failover retry recognizes.
      throw new StoreUnavailableException(
          "could not "
              + action
              + ": no connection within "
              + deadline.budgetMillis()
              + " ms of its admission ("
              + deadline.setting()
              + "): "
              + e.getMessage(),
          e);
    }
    if (pooled) {
      try {
        connection.setAutoCommit(false);
      } catch (SQLException e) {
        connection.close();
        throw e;
      }
    }
    return connection;
  }
}
