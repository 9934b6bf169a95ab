package dev.genie.persistence;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BoundsTest {

  @Test
  void aValueOnEitherBoundPassesAndOnePastItNamesTheSettingTheRangeAndTheValue() {
    assertThatCode(() -> Bounds.requireBetween("GENIE_PORT", 0, 0, 65535))
        .doesNotThrowAnyException();
    assertThatCode(() -> Bounds.requireBetween("GENIE_PORT", 65535, 0, 65535))
        .doesNotThrowAnyException();

    assertThatThrownBy(() -> Bounds.requireBetween("GENIE_PORT", 65536, 0, 65535))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("GENIE_PORT must be between 0 and 65535: 65536");
  }

  @Test
  void aDurationIsCheckedToTheNanosecondAndShownInMilliseconds() {
    assertThatCode(() -> Bounds.requireBetween("lease", Duration.ofMillis(1), 1, 10))
        .doesNotThrowAnyException();

    assertThatThrownBy(
            () -> Bounds.requireBetween("lease", Duration.ofMillis(1).minusNanos(1), 1, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lease must be between 1 and 10 ms: 0.999999 ms");
    assertThatThrownBy(() -> Bounds.requireBetween("lease", Duration.ofMillis(-5), 1, 10))
        .hasMessage("lease must be between 1 and 10 ms: -5 ms");
    assertThatThrownBy(() -> Bounds.requireBetween("lease", null, 1, 10))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("lease");
  }
}
