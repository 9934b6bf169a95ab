package dev.genie.http.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Hands events to its appenders from one thread that wakes every {@code flushMillis}, never per
 * event. Logback's AsyncAppender wakes its thread for almost every event under load: for a line per
 * request that is a futex call and two context switches per request, a noticeable share of the CPU
 * a new prompt costs Genie. A full queue drops events rather than blocks, and says so once per
 * batch, unless it is told to wait ({@link #setWaitWhenFull}); a stop delivers what is queued.
 */
public final class BatchedAsyncAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
    implements AppenderAttachable<ILoggingEvent> {
  private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
  private final AtomicLong dropped = new AtomicLong();
  private int queueSize = 8192;
  private int flushMillis = 20;
  private boolean waitWhenFull;
  private BlockingQueue<ILoggingEvent> queue;
  private Thread worker;

  public void setQueueSize(int queueSize) {
    this.queueSize = queueSize;
  }

  public void setFlushMillis(int flushMillis) {
    this.flushMillis = flushMillis;
  }

  /** Whether a caller that finds the queue full waits for room rather than drop its event. */
  public void setWaitWhenFull(boolean waitWhenFull) {
    this.waitWhenFull = waitWhenFull;
  }

  boolean waitsWhenFull() {
    return waitWhenFull;
  }

  @Override
  public void start() {
    if (queueSize < 1 || flushMillis < 1) {
      addError("queueSize and flushMillis must be at least 1 for appender " + getName());
      return;
    }
    queue = new ArrayBlockingQueue<>(queueSize);
    worker = new Thread(this::deliver, "log-" + getName());
    worker.setDaemon(true);
    super.start();
    worker.start();
  }

  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    super.stop();
    LockSupport.unpark(worker);
    try {
      worker.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    appenders.detachAndStopAllAppenders();
  }

  @Override
  protected void append(ILoggingEvent event) {
    event.prepareForDeferredProcessing();
    if (!queue.offer(event) && !(waitWhenFull && waitedFor(event))) {
      dropped.incrementAndGet();
    }
  }

  /**
   * Waits for room for {@code event}; false once this appender stops or the caller is interrupted.
   */
  private boolean waitedFor(ILoggingEvent event) {
    try {
      while (isStarted()) {
        if (queue.offer(event, flushMillis, TimeUnit.MILLISECONDS)) {
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  private void deliver() {
    List<ILoggingEvent> batch = new ArrayList<>();
    while (isStarted()) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(flushMillis));
      deliverQueued(batch);
    }
    deliverQueued(batch);
  }

  private void deliverQueued(List<ILoggingEvent> batch) {
    queue.drainTo(batch);
    for (ILoggingEvent event : batch) {
      appenders.appendLoopOnAppenders(event);
    }
    batch.clear();
    long lost = dropped.getAndSet(0);
    if (lost > 0) {
      addWarn(lost + " events dropped by appender " + getName() + ": its queue was full");
    }
  }

  @Override
  public void addAppender(Appender<ILoggingEvent> appender) {
    appenders.addAppender(appender);
  }

  @Override
  public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
    return appenders.iteratorForAppenders();
  }

  @Override
  public Appender<ILoggingEvent> getAppender(String name) {
    return appenders.getAppender(name);
  }

  @Override
  public boolean isAttached(Appender<ILoggingEvent> appender) {
    return appenders.isAttached(appender);
  }

  @Override
  public void detachAndStopAllAppenders() {
    appenders.detachAndStopAllAppenders();
  }

  @Override
  public boolean detachAppender(Appender<ILoggingEvent> appender) {
    return appenders.detachAppender(appender);
  }

  @Override
  public boolean detachAppender(String name) {
    return appenders.detachAppender(name);
  }
}
