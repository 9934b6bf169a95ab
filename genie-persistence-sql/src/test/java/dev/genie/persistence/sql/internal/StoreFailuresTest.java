package dev.genie.persistence.sql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.persistence.StoreUnavailableException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StoreFailuresTest {

  @ParameterizedTest
  @ValueSource(strings = {"08006", "08001", "57P01", "57P02", "57P03", "25006"})
  void aPrimaryThatWentAwayIsWorthARetryAndUnavailableMeanwhile(String state) {
    RuntimeException failure = new RuntimeException(new SQLException("gone", state));

    assertThat(StoreFailures.primaryAway(failure)).isTrue();
    assertThat(StoreFailures.translate("claim", failure))
        .isInstanceOf(StoreUnavailableException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"23505", "57014", "55P03", "42P01"})
  void otherFailuresAreNotRetried(String state) {
    assertThat(StoreFailures.primaryAway(new RuntimeException(new SQLException("no", state))))
        .isFalse();
  }

  @Test
  void aPoolThatCouldNotConnectCountsAndABusyPoolDoesNot() {
    assertThat(StoreFailures.primaryAway(new SQLTransientConnectionException("no connection")))
        .isTrue();
    assertThat(StoreFailures.primaryAway(new StoreUnavailableException("all connections busy")))
        .isFalse();
  }
}
