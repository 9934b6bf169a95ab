package dev.genie.http.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.status.Status;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BatchedAsyncAppenderTest {
  private final LoggerContext context = new LoggerContext();
  private final Logger logger = context.getLogger("test.access");

  BatchedAsyncAppenderTest() {
    context.setMDCAdapter(new LogbackMDCAdapter());
  }

  @AfterEach
  void stop() {
    context.stop();
  }

  @Test
  void everyAppenderGetsEveryEventInOrderFromOneThread() {
    ListAppender<ILoggingEvent> first = started(new ListAppender<>());
    ThreadRecorder second = started(new ThreadRecorder());
    BatchedAsyncAppender batched = batched(8192, first, second);

    for (int i = 0; i < 1000; i++) {
      logger.info("request {}", i);
    }
    batched.stop(); // delivers what is queued

    assertThat(first.list).hasSize(1000);
    assertThat(first.list.get(0).getFormattedMessage()).isEqualTo("request 0");
    assertThat(first.list.get(999).getFormattedMessage()).isEqualTo("request 999");
    assertThat(first.list.get(0).getThreadName()).isEqualTo(Thread.currentThread().getName());
    assertThat(second.threads).containsExactly("log-batched");
    assertThat(first.isStarted()).as("stops the appenders it feeds").isFalse();
  }

  @Test
  void eventsArriveWithoutAStop() throws Exception {
    Blocking delivered = started(new Blocking());
    delivered.release.countDown();
    batched(8192, delivered);

    logger.info("one line");

    assertThat(delivered.entered.await(10, TimeUnit.SECONDS)).as("delivered").isTrue();
    assertThat(delivered.messages).containsExactly("one line");
  }

  @Test
  void aFullQueueDropsEventsAndSaysHowMany() throws Exception {
    Blocking blocking = started(new Blocking());
    BatchedAsyncAppender batched = batched(2, blocking);

    logger.info("taken by the delivering thread");
    assertThat(blocking.entered.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 5; i++) {
      logger.info("queued or dropped {}", i); // never blocks the caller
    }
    blocking.release.countDown();
    batched.stop();

    assertThat(blocking.messages)
        .containsExactly(
            "taken by the delivering thread", "queued or dropped 0", "queued or dropped 1");
    List<String> warnings =
        context.getStatusManager().getCopyOfStatusList().stream()
            .filter(status -> status.getLevel() == Status.WARN)
            .map(Status::getMessage)
            .toList();
    assertThat(warnings).contains("3 events dropped by appender batched: its queue was full");
  }

  @Test
  void toldToWaitAFullQueueHoldsTheCallerUntilThereIsRoomAndLosesNothing() throws Exception {
    Blocking blocking = started(new Blocking());
    BatchedAsyncAppender batched = batched(2, true, blocking);
    logger.info("taken by the delivering thread");
    assertThat(blocking.entered.await(10, TimeUnit.SECONDS)).isTrue();

    CountDownLatch logged = new CountDownLatch(1);
    Thread caller =
        new Thread(
            () -> {
              for (int i = 0; i < 5; i++) {
                logger.info("waits for room {}", i);
              }
              logged.countDown();
            });
    caller.start();
    awaitParkedIn(caller, BatchedAsyncAppender.class);
    assertThat(logged.getCount()).as("two fit in the queue, the third waits").isOne();
    blocking.release.countDown();
    assertThat(logged.await(10, TimeUnit.SECONDS)).isTrue();
    batched.stop();

    assertThat(blocking.messages)
        .containsExactly(
            "taken by the delivering thread",
            "waits for room 0",
            "waits for room 1",
            "waits for room 2",
            "waits for room 3",
            "waits for room 4");
    assertThat(context.getStatusManager().getCopyOfStatusList())
        .noneMatch(status -> status.getLevel() == Status.WARN);
  }

  /** Waits until {@code thread} is parked inside {@code where}; fails if it ends or runs on. */
  private static void awaitParkedIn(Thread thread, Class<?> where) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      Thread.State state = thread.getState();
      boolean parked = state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
      if (parked
          && Arrays.stream(thread.getStackTrace())
              .anyMatch(frame -> frame.getClassName().equals(where.getName()))) {
        return;
      }
      if (state == Thread.State.TERMINATED) {
        throw new AssertionError(thread.getName() + " ended instead of waiting in " + where);
      }
      Thread.onSpinWait();
    }
    throw new AssertionError(thread.getName() + " did not wait in " + where + " within 10 s");
  }

  @SafeVarargs
  private BatchedAsyncAppender batched(int queueSize, AppenderBase<ILoggingEvent>... targets) {
    return batched(queueSize, false, targets);
  }

  @SafeVarargs
  private BatchedAsyncAppender batched(
      int queueSize, boolean waitWhenFull, AppenderBase<ILoggingEvent>... targets) {
    BatchedAsyncAppender batched = new BatchedAsyncAppender();
    batched.setContext(context);
    batched.setName("batched");
    batched.setQueueSize(queueSize);
    batched.setFlushMillis(5);
    batched.setWaitWhenFull(waitWhenFull);
    for (AppenderBase<ILoggingEvent> target : targets) {
      batched.addAppender(target);
    }
    batched.start();
    logger.setAdditive(false);
    logger.setLevel(Level.INFO);
    logger.addAppender(batched);
    return batched;
  }

  private <A extends AppenderBase<ILoggingEvent>> A started(A appender) {
    appender.setContext(context);
    appender.start();
    return appender;
  }

  private static final class ThreadRecorder extends AppenderBase<ILoggingEvent> {
    final Set<String> threads = ConcurrentHashMap.newKeySet();

    @Override
    protected void append(ILoggingEvent event) {
      threads.add(Thread.currentThread().getName());
    }
  }

  /** Holds the delivering thread inside its first event until released. */
  private static final class Blocking extends AppenderBase<ILoggingEvent> {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
      messages.add(event.getFormattedMessage());
      entered.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
