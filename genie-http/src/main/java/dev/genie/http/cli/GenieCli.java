package dev.genie.http.cli;

import dev.genie.http.GenieServer;
import dev.genie.http.StartupCheckException;
import dev.genie.http.logging.LogConfiguration;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The jar's command line: {@code serve} (the default), {@code migrate}, {@code check}, {@code
 * help}, {@code --help} and {@code --version}. The environment stays the configuration; a failed
 * startup check prints its banner on stderr and ends with {@value
 * StartupCheckException#EXIT_STATUS} whichever command met it.
 */
public final class GenieCli {

  private final Map<String, String> environment;
  private final PrintStream out;
  private final PrintStream err;
  private final Consumer<GenieServer> onServing;
  private volatile boolean serving;

  /**
   * @param onServing called with the server once {@code serve} has bound its port, e.g. to stop it
   *     on signals
   */
  public GenieCli(
      Map<String, String> environment,
      PrintStream out,
      PrintStream err,
      Consumer<GenieServer> onServing) {
    this.environment = Map.copyOf(environment);
    this.out = out;
    this.err = err;
    this.onServing = onServing;
  }

  /** Runs the command {@code args} name and returns its exit status. */
  public int execute(String... args) {
    ServeCommand serve = new ServeCommand(environment, this::served);
    if (args.length == 0) {
      // The server's own start skips building picocli's model of the commands, which bench/run.sh
      // shows in the time to ready: without arguments there is nothing to parse.
      try {
        return serve.call();
      } catch (StartupCheckException refused) {
        return refuse(refused);
      } catch (RuntimeException | Error e) {
        return crashed(e);
      }
    }
    CommandLine commandLine =
        new CommandLine(new GenieCommand(serve))
            .addSubcommand(serve)
            .addSubcommand(new MigrateCommand(environment, out))
            .addSubcommand(new CheckCommand(environment, out))
            .addSubcommand(new KeysCommand(environment, out))
            .addSubcommand(new CommandLine.HelpCommand())
            .setOut(writer(out))
            .setErr(writer(err))
            .setExecutionExceptionHandler(
                (failure, command, parsed) -> {
                  if (failure instanceof StartupCheckException refused) {
                    return refuse(refused);
                  }
                  if (failure instanceof CommandFailure failed) {
                    err.print(failed.text(command.getCommandSpec().qualifiedName(" ")));
                    err.flush();
                    return CommandFailure.EXIT_STATUS;
                  }
                  startupLog().error("Genie failed: {}", failure.toString(), failure);
                  throw failure;
                });
    try {
      return commandLine.execute(args);
    } catch (Error e) {
      return crashed(e);
    }
  }

  /** Whether {@code serve} started a server, which then runs until it is stopped. */
  public boolean serving() {
    return serving;
  }

  private void served(GenieServer server) {
    serving = true;
    onServing.accept(server);
  }

  private int refuse(StartupCheckException refused) {
    err.print(refused.banner());
    err.flush();
    startupLog().error("{}", refused.banner().stripTrailing());
    return StartupCheckException.EXIT_STATUS;
  }

  /**
   * An exception or an error (running out of memory while the store opens, say) that ended the
   * start: on stderr and in {@code genie.log}, where an operator who finds the process gone looks.
   */
  private int crashed(Throwable failure) {
    if (failure instanceof OutOfMemoryError) {
      err.println(
          "Genie ran out of memory while starting ("
              + failure.getMessage()
              + "); give the JVM a larger heap with -Xmx in JAVA_OPTS");
    }
    failure.printStackTrace(err);
    err.flush();
    startupLog().error("Genie failed to start: {}", failure.toString(), failure);
    return CommandLine.ExitCode.SOFTWARE;
  }

  private static PrintWriter writer(PrintStream stream) {
    return new PrintWriter(new java.io.OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
  }

  /**
   * Asked for only when a start fails: taking a logger configures logging, which creates the log
   * directory, and {@code --help} or {@code --version} must leave nothing behind.
   */
  private static Logger startupLog() {
    return LoggerFactory.getLogger(LogConfiguration.STARTUP_LOGGER);
  }
}
