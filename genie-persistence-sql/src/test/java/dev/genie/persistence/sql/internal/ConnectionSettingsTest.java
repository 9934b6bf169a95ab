package dev.genie.persistence.sql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.persistence.sql.DatabaseUrl;
import dev.genie.persistence.sql.SqlStoreSettings;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectionSettingsTest {
  private static final DatabaseUrl ONE = DatabaseUrl.parse("postgres://app@db:5432/genie");
  private static final DatabaseUrl TWO = DatabaseUrl.parse("postgres://app@pg-a,pg-b/genie");

  private static SqlStoreSettings settings(DatabaseUrl url) {
    return SqlStoreSettings.builder(url)
        .statementTimeout(Duration.ofMillis(4321))
        .lockTimeout(Duration.ofMillis(1234))
        .build();
  }

  @Test
  void aDirectSessionCarriesItsTimeoutsFromTheStart() {
    Properties properties = ConnectionSettings.driverProperties(settings(ONE), ONE, "genie", false);

    assertThat(properties.getProperty("options"))
        .isEqualTo("-c statement_timeout=4321 -c lock_timeout=1234");
    assertThat(properties).doesNotContainKey("prepareThreshold");
    assertThat(properties).doesNotContainKey("hostRecheckSeconds");
  }

  @Test
  void throughAPoolerNothingIsSetForTheSessionOrPreparedOnTheServer() {
    Properties properties = ConnectionSettings.driverProperties(settings(ONE), ONE, "genie", true);

    assertThat(properties).doesNotContainKey("options");
    assertThat(properties.getProperty("prepareThreshold")).isEqualTo("0");
    assertThat(properties.getProperty("defaultRowFetchSize")).isEqualTo("0");
    assertThat(properties.getProperty("assumeMinServerVersion")).isEqualTo("10");
    assertThat(ConnectionSettings.setLocalTimeouts(settings(ONE)))
        .isEqualTo("SET LOCAL statement_timeout = 4321; SET LOCAL lock_timeout = 1234");
  }

  @Test
  void severalHostsAreCheckedAgainSoonAfterAFailover() {
    Properties properties = ConnectionSettings.driverProperties(settings(TWO), TWO, "genie", false);

    assertThat(properties.getProperty("targetServerType")).isEqualTo("primary");
    assertThat(properties.getProperty("hostRecheckSeconds")).isEqualTo("2");
  }

  @Test
  void recognizesAPoolerByItsRefusalOfTheOptionsParameter() {
    assertThat(
            ConnectionSettings.refusedOptions(
                new RuntimeException(
                    new SQLException("FATAL: unsupported startup parameter: options", "08P01"))))
        .isTrue();
    assertThat(
            ConnectionSettings.refusedOptions(
                new SQLException("FATAL: password authentication failed", "28P01")))
        .isFalse();
  }
}
