package dev.genie.it.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.slf4j.LoggerFactory;

/**
 * Gives every test a server log and an SQL log of its own, {@code
 * target/test-logs/<TestClass>/<test>/server.log} and {@code sql.log}, so that a check of a log
 * sees only what its test caused; what a class does before and after its tests goes to {@code
 * <TestClass>/class/}. A JUnit listener registered in {@code META-INF/services}: it points the
 * appenders of {@code logback-test.xml} at the test's files as the test starts.
 */
public final class LogPerTest implements TestExecutionListener {
  static final Path DIRECTORY = Path.of("target", "test-logs");

  private static volatile Path current = DIRECTORY.resolve("outside-tests");

  /** The directory of the running test's logs. */
  static Path current() {
    return current;
  }

  @Override
  public void executionStarted(TestIdentifier test) {
    directory(test).ifPresent(LogPerTest::switchTo);
  }

  @Override
  public void executionFinished(TestIdentifier test, TestExecutionResult result) {
    if (test.isTest()) {
      test.getSource()
          .filter(MethodSource.class::isInstance)
          .map(
              s ->
                  DIRECTORY.resolve(simpleName(((MethodSource) s).getClassName())).resolve("class"))
          .ifPresent(LogPerTest::switchTo);
    }
  }

  private static Optional<Path> directory(TestIdentifier test) {
    TestSource source = test.getSource().orElse(null);
    if (test.isTest() && source instanceof MethodSource method) {
      String name = method.getMethodName();
      String id = test.getUniqueId();
      int invocation = id.lastIndexOf("-invocation:#");
      if (invocation >= 0) {
        name += "-" + id.substring(invocation + "-invocation:#".length()).replace("]", "");
      }
      return Optional.of(DIRECTORY.resolve(simpleName(method.getClassName())).resolve(safe(name)));
    }
    if (source instanceof ClassSource type) {
      return Optional.of(DIRECTORY.resolve(simpleName(type.getClassName())).resolve("class"));
    }
    return Optional.empty();
  }

  private static synchronized void switchTo(Path directory) {
    current = directory;
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    reopen(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("FILE"), ServerLog.path());
    reopen(context.getLogger("dev.genie.sql").getAppender("SQL_FILE"), Artifacts.sqlLog());
  }

  private static void reopen(Appender<?> appender, Path file) {
    if (appender instanceof FileAppender<?> fileAppender) {
      fileAppender.stop();
      fileAppender.setFile(file.toString());
      fileAppender.start();
    }
  }

  private static String simpleName(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }

  private static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
