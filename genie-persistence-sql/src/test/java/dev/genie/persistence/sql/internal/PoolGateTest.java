package dev.genie.persistence.sql.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.persistence.StoreUnavailableException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PoolGateTest {

  @Test
  void admitsAsManyAsThePoolHoldsAndTheNextWhenOneLeaves() throws Exception {
    PoolGate gate = new PoolGate(2, Duration.ofSeconds(5));
    gate.enter("first");
    gate.enter("second");

    CompletableFuture<Void> third = CompletableFuture.runAsync(() -> gate.enter("third"));
    Thread.sleep(50);
    assertThat(third).isNotDone();
    gate.leave();

    third.get(5, TimeUnit.SECONDS);
  }

  @Test
  void aWaitPastTheConnectionTimeoutSaysWhichSettingsToChange() {
    PoolGate gate = new PoolGate(1, Duration.ofMillis(20));
    gate.enter("first");

    assertThatThrownBy(() -> gate.enter("claim prompt abc"))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("claim prompt abc")
        .hasMessageContaining("SqlStoreSettings.poolSize")
        .hasMessageContaining("SqlStoreSettings.connectionTimeout");
  }
}
