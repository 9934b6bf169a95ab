package dev.genie.http;

import dev.genie.http.config.GenieConfig;
import java.io.PrintStream;
import java.util.Map;

/** {@code java -jar genie.jar}: configuration from the environment, then serve until stopped. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int status = serve(System.getenv(), System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Starts serving and returns 0, or prints the startup check's banner and returns its status. */
  static int serve(Map<String, String> environment, PrintStream err) {
    GenieServer server;
    try {
      server = GenieServer.create(GenieConfig.fromEnvironment(environment)).start();
    } catch (StartupCheckException e) {
      err.print(e.banner());
      err.flush();
      return StartupCheckException.EXIT_STATUS;
    }
    stopOnSignals(server);
    return 0;
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
