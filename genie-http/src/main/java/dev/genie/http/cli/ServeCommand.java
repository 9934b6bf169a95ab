package dev.genie.http.cli;

import dev.genie.http.GenieServer;
import dev.genie.http.config.GenieConfig;
import dev.genie.http.wiring.Launcher;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;

/** {@code genie serve}: the startup check, then serve until stopped. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    versionProvider = GenieVersion.class,
    description = {
      "Run the startup check, bind GENIE_HOST:GENIE_PORT and serve until stopped (SIGTERM or"
          + " SIGINT stop gracefully). The default command."
    })
final class ServeCommand implements Callable<Integer> {
  private final Map<String, String> environment;
  private final Consumer<GenieServer> serving;

  ServeCommand(Map<String, String> environment, Consumer<GenieServer> serving) {
    this.environment = environment;
    this.serving = serving;
  }

  @Override
  public Integer call() {
    GenieServer server = Launcher.server(GenieConfig.fromEnvironment(environment)).start();
    serving.accept(server);
    return 0;
  }
}
