package dev.genie.persistence.sql.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.persistence.StoreUnavailableException;
import java.lang.Thread.State;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PoolGateTest {

  @Test
  void admitsAsManyAsThePoolHoldsAndTheNextWhenOneLeaves() throws Exception {
    PoolGate gate = new PoolGate(2);
    Deadline deadline = Deadline.after(Duration.ofSeconds(5), Statements.CONNECTION_TIMEOUT);
    gate.enter("first", deadline);
    gate.enter("second", deadline);

    CountDownLatch entered = new CountDownLatch(1);
    Thread third =
        new Thread(
            () -> {
              gate.enter("third", deadline);
              entered.countDown();
            });
    third.start();
    assertThat(parkedOrEnded(third))
        .as("the third waits at the gate")
        .isNotEqualTo(State.TERMINATED);
    assertThat(entered.getCount()).isOne();
    gate.leave();

    assertThat(entered.await(5, TimeUnit.SECONDS)).as("the third entered").isTrue();
  }

  /** Waits until {@code thread} is parked (in the gate, here) or has ended, and says which. */
  private static State parkedOrEnded(Thread thread) {
    while (true) {
      State state = thread.getState();
      if (state == State.WAITING || state == State.TIMED_WAITING || state == State.TERMINATED) {
        return state;
      }
      Thread.onSpinWait();
    }
  }

  @Test
  void aWaitPastTheConnectionTimeoutSaysWhichSettingsToChange() {
    PoolGate gate = new PoolGate(1);
    Deadline deadline = Deadline.after(Duration.ofMillis(20), Statements.CONNECTION_TIMEOUT);
    gate.enter("first", deadline);

    assertThatThrownBy(() -> gate.enter("claim prompt abc", deadline))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("claim prompt abc")
        .hasMessageContaining("SqlStoreSettings.poolSize")
        .hasMessageContaining("SqlStoreSettings.connectionTimeout");
  }

  @Test
  void aRequestWhoseDeadlinePassedInAnEarlierQueueGetsNoFreshWaitAtTheGate() {
    PoolGate gate = new PoolGate(1);
    Deadline spent = Deadline.after(Duration.ZERO, Statements.FAILOVER_WAIT);
    gate.enter("first", spent); // a free connection is taken however late

    assertThatThrownBy(() -> gate.enter("complete result r1", spent))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("SqlStoreSettings.failoverWait");
  }
}
