package dev.genie.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.genie.persistence.Claim;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** What the sweep says when a pass fails: a warning, unless a stop interrupted it. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SweeperTest {
  private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
  private final Logger logger = (Logger) LoggerFactory.getLogger(Sweeper.class);
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private final CountDownLatch entered = new CountDownLatch(1);

  @BeforeEach
  void listen() {
    // Shut down, the timer finishes the pass it runs and drops the next one.
    timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    events.start();
    logger.addAppender(events);
    logger.setLevel(Level.DEBUG);
  }

  @AfterEach
  void stop() {
    logger.setLevel(null);
    logger.detachAppender(events);
    timer.shutdownNow();
  }

  @Test
  void aPassThatTheStopInterruptsIsNoWarning() throws Exception {
    Sweeper sweeper = new Sweeper(timer, Duration.ofHours(1), 8, waitingForAConnection(), c -> {});

    sweeper.start();
    assertThat(entered.await(10, TimeUnit.SECONDS)).as("the first pass began").isTrue();
    sweeper.stop();
    timer.shutdownNow();
    assertThat(timer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

    assertThat(events.list)
        .as("the interrupted pass said it ended, below WARN")
        .isNotEmpty()
        .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
  }

  @Test
  void aPassThatFailsWhileRunningIsAWarning() throws Exception {
    CountDownLatch failed = new CountDownLatch(1);
    Sweeper sweeper =
        new Sweeper(
            timer,
            Duration.ofHours(1),
            8,
            limit -> {
              failed.countDown();
              throw new IllegalStateException("the database is away");
            },
            c -> {});

    sweeper.start();
    assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
    timer.shutdown();
    assertThat(timer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

    assertThat(events.list)
        .extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage)
        .anySatisfy(
            e -> {
              assertThat(e.toList().get(0)).isEqualTo(Level.WARN);
              assertThat((String) e.toList().get(1)).contains("the database is away");
            });
  }

  /** Takes over nothing: waits for a connection until interrupted, as the store does. */
  private IntFunction<List<Claim>> waitingForAConnection() {
    return limit -> {
      entered.countDown();
      try {
        new CountDownLatch(1).await();
        throw new IllegalStateException("the wait for a connection ended without an interrupt");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a connection");
      }
    };
  }
}
