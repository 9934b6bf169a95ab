package dev.genie.http.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import java.util.function.Supplier;

/**
 * Builds its appender at the first event and hands every event to it, so that a log nothing is
 * written to (the statements', without {@code GENIE_LOG_SQL}) leaves no empty file behind.
 */
final class OpenedOnFirstEvent extends AppenderBase<ILoggingEvent> {
  private final Supplier<Appender<ILoggingEvent>> open;
  private Appender<ILoggingEvent> appender;

  OpenedOnFirstEvent(Supplier<Appender<ILoggingEvent>> open) {
    this.open = open;
  }

  @Override
  protected void append(ILoggingEvent event) {
    // AppenderBase.doAppend holds this appender's lock around each call.
    if (appender == null) {
      appender = open.get();
    }
    appender.doAppend(event);
  }

  @Override
  public synchronized void stop() {
    super.stop();
    if (appender != null) {
      appender.stop();
    }
  }
}
