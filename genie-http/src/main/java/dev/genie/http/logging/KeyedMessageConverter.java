package dev.genie.http.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.genie.http.config.SettingNames;

/**
 * The message of a log line, on one line whatever it carries ({@link LogText}), with the settings
 * that library lines name shown as the environment keys operators set ({@link SettingNames}).
 */
public final class KeyedMessageConverter extends MessageConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return LogText.escape(SettingNames.toKeys(super.convert(event)));
  }
}
