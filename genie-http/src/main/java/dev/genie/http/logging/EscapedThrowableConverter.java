package dev.genie.http.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import java.util.Arrays;

/**
 * A stack trace as Logback writes it, each exception's message on its own line whatever it carries
 * ({@link LogText}): a message may quote a caller's text, and must not add lines that look like
 * Genie's own. Class names and frames come from the code, not from callers.
 */
public final class EscapedThrowableConverter extends ThrowableProxyConverter {
  @Override
  protected String throwableProxyToString(IThrowableProxy proxy) {
    return super.throwableProxyToString(escaped(proxy));
  }

  private static IThrowableProxy escaped(IThrowableProxy proxy) {
    return proxy == null ? null : new Escaped(proxy);
  }

  private record Escaped(IThrowableProxy proxy) implements IThrowableProxy {
    @Override
    public String getOverridingMessage() {
      return LogText.escape(proxy.getOverridingMessage());
    }

    @Override
    public String getMessage() {
      return LogText.escape(proxy.getMessage());
    }

    @Override
    public String getClassName() {
      return proxy.getClassName();
    }

    @Override
    public StackTraceElementProxy[] getStackTraceElementProxyArray() {
      return proxy.getStackTraceElementProxyArray();
    }

    @Override
    public int getCommonFrames() {
      return proxy.getCommonFrames();
    }

    @Override
    public IThrowableProxy getCause() {
      return escaped(proxy.getCause());
    }

    @Override
    public IThrowableProxy[] getSuppressed() {
      IThrowableProxy[] suppressed = proxy.getSuppressed();
      return suppressed == null
          ? null
          : Arrays.stream(suppressed)
              .map(EscapedThrowableConverter::escaped)
              .toArray(IThrowableProxy[]::new);
    }

    @Override
    public boolean isCyclic() {
      return proxy.isCyclic();
    }
  }
}
