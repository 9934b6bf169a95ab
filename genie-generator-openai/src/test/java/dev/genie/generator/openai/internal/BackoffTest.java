package dev.genie.generator.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BackoffTest {
  private static final Duration INITIAL = Duration.ofMillis(100);
  private static final Duration MAX = Duration.ofSeconds(1);

  @Test
  void pausesDoubleUpToTheCapWithTheSecondHalfRandom() {
    Backoff longest = new Backoff(INITIAL, MAX, bound -> bound);
    Backoff shortest = new Backoff(INITIAL, MAX, bound -> 0);
    assertThat(longest.before(0, Optional.empty())).contains(Duration.ofMillis(100));
    assertThat(shortest.before(0, Optional.empty())).contains(Duration.ofMillis(50));
    assertThat(longest.before(3, Optional.empty())).contains(Duration.ofMillis(800));
    assertThat(longest.before(10, Optional.empty())).contains(MAX);
    assertThat(shortest.before(40, Optional.empty())).contains(Duration.ofMillis(500));
  }

  @Test
  void retryAfterIsAFloorAndOverTheCapNoRetryAtAll() {
    Backoff backoff = new Backoff(INITIAL, MAX, bound -> 0);
    assertThat(backoff.before(0, Optional.of(Duration.ofMillis(900))))
        .contains(Duration.ofMillis(900));
    assertThat(backoff.before(5, Optional.of(Duration.ofMillis(10))))
        .contains(Duration.ofMillis(500));
    assertThat(backoff.before(0, Optional.of(Duration.ofSeconds(2)))).isEmpty();
  }

  @Test
  void retryAfterIsReadAsSecondsOrAnHttpDate() {
    Clock clock = Clock.fixed(Instant.parse("2026-05-01T12:00:00Z"), ZoneOffset.UTC);
    assertThat(RetryAfterHttpClient.retryAfter(Optional.of(" 7 "), clock))
        .contains(Duration.ofSeconds(7));
    assertThat(RetryAfterHttpClient.retryAfter(Optional.of("Fri, 01 May 2026 12:00:30 GMT"), clock))
        .contains(Duration.ofSeconds(30));
    assertThat(RetryAfterHttpClient.retryAfter(Optional.of("soon"), clock)).isEmpty();
    assertThat(RetryAfterHttpClient.retryAfter(Optional.empty(), clock)).isEmpty();
  }
}
