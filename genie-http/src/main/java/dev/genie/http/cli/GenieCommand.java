package dev.genie.http.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code genie}: without a command, it serves. */
@Command(
    name = "java -jar genie.jar",
    mixinStandardHelpOptions = true,
    versionProvider = GenieVersion.class,
    synopsisSubcommandLabel = "[COMMAND]",
    description = {
      "Genie: prompt orchestration with one generation per prompt, on PostgreSQL.",
      "Configured by environment variables, read once at start; docs/configuration.md lists them all.",
      "Without a command, Genie serves."
    },
    footerHeading = "%nEnvironment (the essentials):%n",
    footer = {
      "  DATABASE_URL       postgres://user:password@host:5432/database",
      "  GENIE_REQUIRE_DB   1: refuse to start (status 78) unless PostgreSQL serves",
      "  GENIE_HOST         bind address (127.0.0.1)",
      "  GENIE_PORT         bind port (8080; 0 picks a free one)",
      "  GENIE_MIGRATE      apply, validate or off (apply)",
      "  GENIE_LOG_DIR      genie.log, and sql.log with GENIE_LOG_SQL=1 (./logs)"
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      " 0:serving until stopped, or the command succeeded",
      " 1:the command could not do what it was asked (keys: a name taken, no such key)",
      " 2:an unknown command or option",
      "78:the startup check failed; the banner on stderr names the cause and the fix"
    })
final class GenieCommand implements Callable<Integer> {
  private final ServeCommand serve;

  GenieCommand(ServeCommand serve) {
    this.serve = serve;
  }

  @Override
  public Integer call() {
    return serve.call();
  }
}
