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
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "genie-shutdown"));
    return 0;
  }
}
