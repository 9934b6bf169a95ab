package dev.genie.persistence.sql.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.persistence.StoreUnavailableException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OutageTest {
  private static final Duration LONG = Duration.ofHours(1);

  @Test
  void admitsEverythingWhileThePrimaryAnswers() {
    Outage outage = new Outage(Duration.ofMillis(1), LONG);

    assertThat(outage.admit("claim")).as("retries allowed").isTrue();
    assertThat(outage.admit("claim")).isTrue();
  }

  @Test
  void admitsAndRetriesDuringAFailover() {
    Outage outage = new Outage(LONG, LONG);
    outage.primaryAway();

    assertThat(outage.admit("claim")).as("retries allowed within the failover wait").isTrue();
  }

  @Test
  void afterTheFailoverWaitLetsOneProbeThroughAndTurnsTheRestAwayAtOnce() throws Exception {
    Outage outage = new Outage(Duration.ofMillis(1), LONG);
    outage.primaryAway();
    Thread.sleep(10); // longer than the failover wait

    assertThat(outage.admit("claim prompt k")).as("the probe, without retries").isFalse();
    assertThatThrownBy(() -> outage.admit("claim prompt k"))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("could not claim prompt k")
        .hasMessageContaining("SqlStoreSettings.failoverWait=1");

    outage.primaryBack();
    assertThat(outage.admit("claim prompt k")).as("once a statement succeeded").isTrue();
  }

  @Test
  void aWaitOfZeroKeepsNobodyOut() throws Exception {
    Outage outage = new Outage(Duration.ZERO, LONG);
    outage.primaryAway();
    Thread.sleep(2);

    assertThat(outage.admit("claim")).isTrue();
    assertThat(outage.admit("claim")).isTrue();
  }
}
