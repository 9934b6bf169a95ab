package dev.genie.http.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SharedEncoderTest {
  private final LoggerContext context = new LoggerContext();

  @Test
  void theSecondAppenderToAskForAnEventGetsTheBytesMadeForTheFirst() {
    PatternLayoutEncoder shared = started(new SharedEncoder());
    LoggingEvent first = event("POST /prompts 201 3ms");
    LoggingEvent second = event("POST /prompts 201 3ms");

    byte[] forConsole = shared.encode(first);
    byte[] forFile = shared.encode(first);
    byte[] nextLine = shared.encode(second);

    assertThat(forFile).isSameAs(forConsole);
    assertThat(nextLine).as("another event, although alike, is formatted").isNotSameAs(forConsole);
    assertThat(new String(forConsole, StandardCharsets.UTF_8))
        .isEqualTo(
            new String(started(new PatternLayoutEncoder()).encode(first), StandardCharsets.UTF_8))
        .isEqualTo("INFO dev.genie.http.access - POST /prompts 201 3ms\n");
  }

  private LoggingEvent event(String message) {
    return new LoggingEvent(
        "test", context.getLogger("dev.genie.http.access"), Level.INFO, message, null, null);
  }

  private <E extends PatternLayoutEncoder> E started(E encoder) {
    encoder.setContext(context);
    encoder.setPattern("%level %logger - %msg%n");
    encoder.start();
    return encoder;
  }
}
