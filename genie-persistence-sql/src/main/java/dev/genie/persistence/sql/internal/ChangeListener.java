package dev.genie.persistence.sql.internal;

import dev.genie.persistence.ResultWatchers;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one connection of its own in LISTEN, and wakes this process's watches when another instance
 * (or this one) announces a changed result. When the connection drops it reconnects with backoff
 * and wakes every watch, since announcements may have been missed meanwhile; waiters poll anyway,
 * so a lost notification only costs latency.
 */
public final class ChangeListener implements AutoCloseable {
  public static final String CHANNEL = "genie_result_changed";

  private static final Logger log = LoggerFactory.getLogger(ChangeListener.class);
  private static final int POLL_MILLIS = 250;
  private static final long MAX_BACKOFF_MILLIS = 5_000;

  private final Callable<Connection> connect;
  private final ResultWatchers watchers;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean listening;
  private final CountDownLatch firstAttempt = new CountDownLatch(1);

  public ChangeListener(Callable<Connection> connect, ResultWatchers watchers) {
    this.connect = connect;
    this.watchers = watchers;
    this.thread = new Thread(this::run, "genie-listen");
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** Says once why this process does not listen, and that waiters poll instead. */
  public static void pollOnly(String why) {
    log.warn(
        "not listening for result changes: {}; waiters poll the database instead (set"
            + " SqlStoreSettings.listenUrl to a direct connection to the primary)",
        why);
  }

  /**
   * Whether notifications are arriving now; when false, waiters rely on polling alone. Until the
   * first attempt to listen has ended it waits for it, at most {@code patience}: otherwise a store
   * described right after it opened would say polling or listening depending on which thread ran
   * first.
   */
  public boolean listening(Duration patience) {
    try {
      firstAttempt.await(patience.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return listening;
  }

  private void run() {
    long backoff = 100;
    boolean failedBefore = false;
    while (running) {
      try (Connection connection = connect.call();
          Statement statement = connection.createStatement()) {
        statement.execute("LISTEN " + CHANNEL);
        listening = true;
        firstAttempt.countDown();
        if (failedBefore) {
          log.info("listening for result changes again");
        }
        failedBefore = false;
        backoff = 100;
        watchers.signalAll();
        PGConnection pg = connection.unwrap(PGConnection.class);
        while (running) {
          PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
          if (notifications != null) {
            for (PGNotification notification : notifications) {
              watchers.signal(notification.getParameter());
            }
          }
        }
      } catch (Exception e) {
        listening = false;
        firstAttempt.countDown();
        if (!running) {
          return;
        }
        if (ConnectionSettings.refusedOptions(e)) {
          pollOnly("its connection goes through a pooler, which refused a session's settings");
          return;
        }
        if (!failedBefore) {
          log.warn(
              "lost the notification connection ({}); waiters poll until it is back",
              e.getMessage());
        }
        failedBefore = true;
        watchers.signalAll();
        if (!sleep(backoff)) {
          return;
        }
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
      }
    }
  }

  private boolean sleep(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    running = false;
    firstAttempt.countDown();
    thread.interrupt();
    try {
      thread.join(2 * POLL_MILLIS + 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
