package dev.genie.http.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.hook.DefaultShutdownHook;
import ch.qos.logback.core.pattern.DynamicConverter;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;
import ch.qos.logback.core.util.ContextUtil;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;
import dev.genie.http.config.LogSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The server's logging, built in code: interpreting an XML configuration is a noticeable part of
 * every start, for a configuration that never changes. It steps aside for a configuration file, as
 * Logback's defaults do: the {@code logback.configurationFile} system property, or a {@code
 * logback-test.xml} or {@code logback.xml} on the class path.
 *
 * <ul>
 *   <li>the console, and {@code genie.log} in {@code GENIE_LOG_DIR} (kept two weeks within 1 GB);
 *   <li>request lines ({@code dev.genie.http.access}) to both, through a {@link
 *       BatchedAsyncAppender}, dropped rather than block when its queue is full;
 *   <li>audit lines ({@code dev.genie.http.audit}) to both through another, which waits when full:
 *       no request thread writes to the console or a file, and no audit line is lost;
 *   <li>each line formatted once for both ({@link SharedEncoder});
 *   <li>a failure to start ({@value #STARTUP_LOGGER}) to {@code genie.log} only: the console has it
 *       already, as the banner or a stack trace on standard error;
 *   <li>statements ({@code dev.genie.sql}, with {@code GENIE_LOG_SQL=1}) to {@code sql.log} only,
 *       opened at the first statement, through an asynchronous appender that waits when full;
 *   <li>libraries at WARN;
 *   <li>in server lines, the library settings a message names shown as their environment keys;
 *   <li>in every line, control characters escaped ({@link LogText}), in the message and in an
 *       exception's messages, so that no caller's text can forge a line.
 * </ul>
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfiguration extends ContextAwareBase implements Configurator {
  private static final String PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{30} - %keyedMsg%n%escapedEx";
  private static final String SQL_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} [%thread] %escapedMsg%n%escapedEx";
  private static final FileSize MAX_FILE_SIZE = FileSize.valueOf("100MB");
  private static final FileSize TOTAL_SIZE_CAP = FileSize.valueOf("1GB");

  /** Logged at WARN and above: their INFO lines describe their own starts. */
  private static final List<String> LIBRARIES =
      List.of(
          "io.undertow",
          "org.xnio",
          "org.jboss",
          "org.apache.ibatis",
          "com.zaxxer.hikari",
          "org.flywaydb");

  /**
   * A failure to start (the startup check's refusal, an exception, running out of memory): to
   * {@code genie.log} only, since {@code main} has written it on the console already.
   */
  public static final String STARTUP_LOGGER = "dev.genie.http.startup";

  /** Lets the request lines' last batch (every 20 ms) reach its appenders before they stop. */
  private static final Duration SHUTDOWN_DELAY = Duration.buildByMilliseconds(100);

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (configurationFileGiven()) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    apply(context, LogSettings.directory(System.getenv()));
    DefaultShutdownHook hook = new DefaultShutdownHook();
    hook.setDelay(SHUTDOWN_DELAY);
    hook.setContext(context);
    new ContextUtil(context).addOrReplaceShutdownHook(hook);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Configures {@code context} to write its files in {@code directory}. */
  static void apply(LoggerContext context, String directory) {
    context.getStatusManager().add(new NopStatusListener()); // Logback's own messages stay quiet
    Map<String, Supplier<DynamicConverter<?>>> rules = new HashMap<>();
    rules.put("keyedMsg", KeyedMessageConverter::new);
    rules.put("escapedMsg", EscapedMessageConverter::new);
    rules.put("escapedEx", EscapedThrowableConverter::new);
    context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);
    PatternLayoutEncoder lines = encoder(context, new SharedEncoder(), PATTERN);
    Appender<ILoggingEvent> console = console(context, lines);
    Appender<ILoggingEvent> file = rollingFile(context, "FILE", directory, "genie", lines, 14);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(console);
    root.addAppender(file);

    only(context, "dev.genie.http.access", batched(context, "ACCESS", false, console, file));
    only(context, "dev.genie.http.audit", batched(context, "AUDIT", true, console, file));

    only(context, "dev.genie.sql", sql(context, directory));
    // The console already has the failure (the banner, or the stack trace on stderr).
    only(context, STARTUP_LOGGER, file);

    LIBRARIES.forEach(library -> context.getLogger(library).setLevel(Level.WARN));
  }

  /**
   * Sends the console's lines to standard error, for a command whose standard output is its answer:
   * {@code keys create} prints the key alone on its last line, which a pool's closing warning would
   * otherwise follow. Nothing changes under a configuration file.
   */
  public static void consoleToStandardError() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
        && context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE")
            instanceof ConsoleAppender<ILoggingEvent> console
        && !configurationFileGiven()) {
      console.stop();
      console.setTarget("System.err");
      console.start();
    }
  }

  /** As Logback looks for one: the system property, then the class path. */
  static boolean configurationFileGiven() {
    ClassLoader loader = LogConfiguration.class.getClassLoader();
    return System.getProperty(ContextInitializer.CONFIG_FILE_PROPERTY) != null
        || loader.getResource(ContextInitializer.TEST_AUTOCONFIG_FILE) != null
        || loader.getResource(ContextInitializer.AUTOCONFIG_FILE) != null;
  }

  private static Appender<ILoggingEvent> console(
      LoggerContext context, PatternLayoutEncoder encoder) {
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setEncoder(encoder);
    return start(context, "CONSOLE", console);
  }

  /** Request-rate lines reach {@code targets} from one thread, in batches every 20 ms. */
  @SafeVarargs
  private static Appender<ILoggingEvent> batched(
      LoggerContext context,
      String name,
      boolean waitWhenFull,
      Appender<ILoggingEvent>... targets) {
    BatchedAsyncAppender batched = new BatchedAsyncAppender();
    batched.setQueueSize(8192);
    batched.setFlushMillis(20);
    batched.setWaitWhenFull(waitWhenFull);
    for (Appender<ILoggingEvent> target : targets) {
      batched.addAppender(target);
    }
    return start(context, name, batched);
  }

  private static Appender<ILoggingEvent> rollingFile(
      LoggerContext context,
      String name,
      String directory,
      String baseName,
      PatternLayoutEncoder encoder,
      int maxHistoryDays) {
    RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
    file.setContext(context);
    file.setFile(directory + "/" + baseName + ".log");
    SizeAndTimeBasedRollingPolicy<ILoggingEvent> rolling = new SizeAndTimeBasedRollingPolicy<>();
    rolling.setContext(context);
    rolling.setParent(file);
    rolling.setFileNamePattern(directory + "/" + baseName + ".%d{yyyy-MM-dd}.%i.log.gz");
    rolling.setMaxFileSize(MAX_FILE_SIZE);
    rolling.setMaxHistory(maxHistoryDays);
    rolling.setTotalSizeCap(TOTAL_SIZE_CAP);
    rolling.start();
    file.setRollingPolicy(rolling);
    file.setEncoder(encoder);
    return start(context, name, file);
  }

  /**
   * {@code sql.log}'s appender is built at the first statement, so that without {@code
   * GENIE_LOG_SQL} no empty file appears; the asynchronous one in front waits when full.
   */
  private static Appender<ILoggingEvent> sql(LoggerContext context, String directory) {
    // Built now: its conversion rules live in the context, which a stop clears before the
    // asynchronous appender delivers what it holds, perhaps the first statement.
    PatternLayoutEncoder lines = encoder(context, new PatternLayoutEncoder(), SQL_PATTERN);
    OpenedOnFirstEvent file =
        new OpenedOnFirstEvent(() -> rollingFile(context, "SQL_FILE", directory, "sql", lines, 3));
    AsyncAppender async = new AsyncAppender();
    async.setContext(context); // before addAppender, which reports to it
    async.setQueueSize(8192);
    async.setDiscardingThreshold(0);
    async.addAppender(start(context, "SQL_OPENER", file));
    return start(context, "SQL", async);
  }

  private static void only(LoggerContext context, String name, Appender<ILoggingEvent> appender) {
    Logger logger = context.getLogger(name);
    logger.setLevel(Level.INFO);
    logger.setAdditive(false);
    logger.addAppender(appender);
  }

  private static PatternLayoutEncoder encoder(
      LoggerContext context, PatternLayoutEncoder encoder, String pattern) {
    encoder.setContext(context);
    encoder.setPattern(pattern);
    encoder.start();
    return encoder;
  }

  private static <A extends Appender<ILoggingEvent>> A start(
      LoggerContext context, String name, A appender) {
    appender.setContext(context);
    appender.setName(name);
    appender.start();
    return appender;
  }
}
