package dev.genie.http.logging;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * A pattern encoder that the console and the file share: each appender asks it for the same event
 * in turn, and the second gets the bytes the first had made instead of formatting the line again.
 * Appenders only write the bytes they are given. Two threads logging at once at worst format a line
 * twice, as two encoders would.
 */
final class SharedEncoder extends PatternLayoutEncoder {
  private record Encoded(ILoggingEvent event, byte[] bytes) {}

  private volatile Encoded last;

  @Override
  public byte[] encode(ILoggingEvent event) {
    Encoded seen = last;
    if (seen != null && seen.event() == event) {
      return seen.bytes();
    }
    byte[] bytes = super.encode(event);
    last = new Encoded(event, bytes);
    return bytes;
  }
}
