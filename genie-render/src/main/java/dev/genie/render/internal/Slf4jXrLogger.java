package dev.genie.render.internal;

import com.openhtmltopdf.util.Diagnostic;
import com.openhtmltopdf.util.XRLog;
import com.openhtmltopdf.util.XRLogger;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends openhtmltopdf's log to SLF4J under its own logger names ({@code com.openhtmltopdf.load},
 * …), its INFO lines at DEBUG: by default it writes every rendering's timings to stderr.
 */
public final class Slf4jXrLogger implements XRLogger {
  private Slf4jXrLogger() {}

  /** Installs this logger once; openhtmltopdf keeps one for the whole JVM. */
  public static void install() {
    if (!(XRLog.getLoggerImpl() instanceof Slf4jXrLogger)) {
      XRLog.setLoggerImpl(new Slf4jXrLogger());
    }
  }

  @Override
  public void log(String where, Level level, String message) {
    log(where, level, message, null);
  }

  @Override
  public void log(String where, Level level, String message, Throwable failure) {
    Logger logger = LoggerFactory.getLogger(where);
    if (level.intValue() >= Level.SEVERE.intValue()) {
      logger.error(message, failure);
    } else if (level.intValue() >= Level.WARNING.intValue()) {
      logger.warn(message, failure);
    } else {
      logger.debug(message, failure);
    }
  }

  @Override
  public void setLevel(String logger, Level level) {
    // SLF4J's configuration decides.
  }

  @Override
  public boolean isLogLevelEnabled(Diagnostic diagnostic) {
    return diagnostic.getLevel().intValue() >= Level.WARNING.intValue()
        || LoggerFactory.getLogger("com.openhtmltopdf").isDebugEnabled();
  }
}
