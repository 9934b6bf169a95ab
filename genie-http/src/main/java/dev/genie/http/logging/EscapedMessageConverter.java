package dev.genie.http.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** A message on one line whatever it carries ({@link LogText}): for {@code sql.log}. */
public final class EscapedMessageConverter extends MessageConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return LogText.escape(super.convert(event));
  }
}
