package dev.genie.http.cli;

import dev.genie.core.Orchestrator;
import dev.genie.generator.openai.OpenAiGenerator;
import dev.genie.http.config.GenieConfig;
import dev.genie.http.config.ServerSettings;
import dev.genie.http.wiring.GenieComponent;
import dev.genie.http.wiring.Launcher;
import dev.genie.persistence.PromptStore;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code genie check}: what {@code serve} does before it binds its port (configuration, the
 * address, store selection, connection, schema as {@code GENIE_MIGRATE} says, generator), then
 * close and exit.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    versionProvider = GenieVersion.class,
    description = {
      "Run the startup check exactly as serve would, and exit: 0 when Genie would start, 78 with"
          + " the banner on stderr when it would not. The address is resolved and bound once, then"
          + " released.",
      "With GENIE_MIGRATE=apply (the default) that applies pending migrations, as serve would;"
          + " set GENIE_MIGRATE=validate to check without changing the database."
    })
final class CheckCommand implements Callable<Integer> {
  private final Map<String, String> environment;
  private final PrintStream out;

  CheckCommand(Map<String, String> environment, PrintStream out) {
    this.environment = environment;
    this.out = out;
  }

  @Override
  public Integer call() {
    GenieConfig config = GenieConfig.fromEnvironment(environment);
    GenieComponent component = Launcher.checked(config);
    Orchestrator orchestrator = component.orchestrator();
    PromptStore store = component.store();
    try {
      if (component.generator() instanceof OpenAiGenerator openai) {
        out.println(ModelChecks.describe(openai));
      }
      ServerSettings server = config.server();
      out.println(
          "Genie check passed: would serve on "
              + server.host()
              + ":"
              + server.port()
              + " from the "
              + store.name()
              + " store "
              + store.describe()
              + "; "
              + orchestrator.profile().summary()
              + "; "
              + config.auth().describe());
      return 0;
    } finally {
      orchestrator.shutdown(Duration.ZERO);
      store.close();
    }
  }
}
