package dev.genie.http;

import dev.genie.http.cli.GenieCli;
import dev.genie.http.logging.LogConfiguration;
import java.io.PrintStream;
import java.util.Map;

/**
 * {@code java -jar genie.jar [serve|migrate|check]}: configuration from the environment; {@code
 * serve}, the default, serves until stopped, the other commands exit with their status.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("keys")) {
      LogConfiguration.consoleToStandardError(); // standard output is the command's answer
    }
    GenieCli cli = new GenieCli(System.getenv(), System.out, System.err, Main::stopOnSignals);
    int status = cli.execute(args);
    if (status != 0 || !cli.serving()) {
      System.exit(status);
    }
  }

  /** Starts serving and returns 0, or prints the startup check's banner and returns its status. */
  static int serve(Map<String, String> environment, PrintStream err) {
    return new GenieCli(environment, System.out, err, Main::stopOnSignals).execute("serve");
  }

  /**
   * SIGTERM and SIGINT stop gracefully and exit 0: a stop that was asked for is not a failure. The
   * stop runs on a thread that is not a daemon, unlike the signal's own, so the JVM cannot exit
   * once the server's threads are gone and before the store is closed. The shutdown hook covers
   * every other way the JVM ends.
   */
  @SuppressWarnings("sunapi")
  private static void stopOnSignals(GenieServer server) {
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "genie-shutdown"));
    for (String name : new String[] {"TERM", "INT"}) {
      sun.misc.Signal.handle(
          new sun.misc.Signal(name),
          signal -> {
            Thread stop =
                new Thread(
                    () -> {
                      server.stop();
                      System.exit(0);
                    },
                    "genie-stop");
            stop.setDaemon(false);
            stop.start();
          });
    }
  }
}
