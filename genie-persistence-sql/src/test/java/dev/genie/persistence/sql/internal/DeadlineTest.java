package dev.genie.persistence.sql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class DeadlineTest {

  @Test
  void aFailoverMovesTheDeadlineFromTheSameAdmissionAndOnlyLater() {
    long fiveSecondsAgo = System.nanoTime() - Duration.ofSeconds(5).toNanos();
    Deadline admitted =
        new Deadline(
            fiveSecondsAgo,
            fiveSecondsAgo + Duration.ofSeconds(2).toNanos(),
            Statements.CONNECTION_TIMEOUT);

    Deadline failover = admitted.extendedTo(Duration.ofSeconds(10), Statements.FAILOVER_WAIT);
    Deadline shorter = admitted.extendedTo(Duration.ofSeconds(1), Statements.FAILOVER_WAIT);

    assertThat(failover.admitted()).isEqualTo(admitted.admitted());
    assertThat(failover.budgetMillis()).isEqualTo(10_000);
    assertThat(failover.setting()).isEqualTo(Statements.FAILOVER_WAIT);
    assertThat(shorter).as("never earlier than it was").isSameAs(admitted);
  }

  @Test
  void aDeadlineOfNothingIsOverAtOnce() {
    assertThat(Deadline.after(Duration.ZERO, Statements.CONNECTION_TIMEOUT).nanosLeft())
        .isLessThanOrEqualTo(0);
  }
}
