package dev.genie.http.cli;

import dev.genie.http.StartupCheckException;
import dev.genie.http.config.AuthSettings;
import dev.genie.http.config.GenieConfig;
import dev.genie.http.internal.auth.ApiKeys;
import dev.genie.http.wiring.Launcher;
import dev.genie.persistence.ApiKey;
import dev.genie.persistence.KeyStore;
import dev.genie.persistence.PromptStore;
import dev.genie.persistence.legacy.DataDirInUseException;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code genie keys create|list|revoke}: callers' keys, in the store the environment selects. */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    versionProvider = GenieVersion.class,
    description = {
      "Create, list and revoke the keys callers send as 'Authorization: Bearer <key>'.",
      "Keys live in the store the environment selects: PostgreSQL (DATABASE_URL), managed while"
          + " instances serve, or the legacy store (GENIE_DATA_DIR), managed while no Genie has"
          + " it open. Only their SHA-256 is kept. A revoked key stops working on every instance"
          + " within 2 seconds."
    })
final class KeysCommand {
  /** Enough for a few statements. */
  private static final int POOL_SIZE = 2;

  private static final Pattern RATE = Pattern.compile("([0-9]{1,6})(?:/s)?");

  private final Map<String, String> environment;
  private final PrintStream out;

  KeysCommand(Map<String, String> environment, PrintStream out) {
    this.environment = environment;
    this.out = out;
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a key and print it once, alone on the last line.")
  int create(
      @Option(names = "--name", required = true, description = "unique name, shown in logs")
          String name,
      @Option(
              names = "--namespace",
              defaultValue = ApiKey.DEFAULT_NAMESPACE,
              description = "the prompts the key reads and writes (${DEFAULT-VALUE})")
          String namespace,
      @Option(
              names = "--rate",
              description = "requests per second on each instance, as N/s (no limit)")
          String rate,
      @Option(
              names = "--daily-tokens",
              defaultValue = "0",
              description = "tokens per UTC day across all instances (0: no limit)")
          long dailyTokens,
      @Option(names = "--admin", description = "may read /metrics and /openapi.yaml from afar")
          boolean admin) {
    ApiKey key;
    try {
      key =
          new ApiKey(
              name,
              namespace,
              rate == null ? 0 : rate(rate),
              dailyTokens,
              admin,
              Instant.now().truncatedTo(ChronoUnit.MICROS),
              null,
              null);
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(e.getMessage(), "correct the option it names");
    }
    String secret = ApiKeys.generate();
    return withKeys(
        keys -> {
          try {
            keys.create(key, ApiKeys.hash(secret));
          } catch (IllegalArgumentException e) {
            throw new CommandFailure(
                e.getMessage(), "choose another --name; names stay taken after 'keys revoke'");
          }
          out.println(
              "Created key "
                  + key.name()
                  + " in namespace "
                  + key.namespace()
                  + ". It is shown once, on the next line; Genie keeps only its hash.");
          out.println(secret);
          return 0;
        });
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the keys.")
  int list() {
    return withKeys(
        keys -> {
          List<ApiKey> all = keys.list();
          out.println("name\tnamespace\trate/s\tdaily tokens\tadmin\tcreated\tlast used\trevoked");
          for (ApiKey key : all) {
            out.println(
                String.join(
                    "\t",
                    key.name(),
                    key.namespace(),
                    key.ratePerSecond() == 0 ? "-" : Integer.toString(key.ratePerSecond()),
                    key.dailyTokens() == 0 ? "-" : Long.toString(key.dailyTokens()),
                    key.admin() ? "yes" : "no",
                    key.createdAt().toString(),
                    key.lastUsed().map(Instant::toString).orElse("-"),
                    key.revoked() ? key.revokedAt().toString() : "-"));
          }
          return 0;
        });
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key.")
  int revoke(@Parameters(paramLabel = "NAME", description = "the key's name") String name) {
    return withKeys(
        keys -> {
          if (!keys.revoke(name, Instant.now().truncatedTo(ChronoUnit.MICROS))) {
            throw new CommandFailure(
                "no live key is named " + name, "see 'keys list' for the names");
          }
          out.println("Revoked key " + name + "; every instance refuses it within 2 seconds.");
          return 0;
        });
  }

  /** N or N/s, N from 1. */
  static int rate(String value) {
    Matcher matcher = RATE.matcher(value.strip());
    if (!matcher.matches() || Integer.parseInt(matcher.group(1)) < 1) {
      throw new IllegalArgumentException(
          "--rate is '" + value + "'; give requests per second as N/s, N from 1 to 999999");
    }
    return Integer.parseInt(matcher.group(1));
  }

  private int withKeys(Function<KeyStore, Integer> work) {
    GenieConfig config = GenieConfig.fromEnvironment(environment);
    // Managing keys serves nobody: the bind address's default for GENIE_AUTH does not apply.
    GenieConfig managing =
        config
            .withStorage(config.storage().withSql(sql -> sql.poolSize(POOL_SIZE)))
            .withAuth(AuthSettings.OFF);
    PromptStore store = open(managing);
    try {
      KeyStore keys =
          store
              .keys()
              .orElseThrow(
                  () ->
                      new StartupCheckException(
                          "the " + store.name() + " store keeps no keys",
                          "select a store that keeps keys with GENIE_STORAGE (sql or legacy)"));
      return work.apply(keys);
    } finally {
      store.close();
    }
  }

  private static PromptStore open(GenieConfig config) {
    try {
      return Launcher.component(config).store();
    } catch (StartupCheckException e) {
      if (e.getCause() instanceof DataDirInUseException inUse) {
        // The legacy store has one process at a time, and a server keeps it open while it runs.
        throw new StartupCheckException(
            "the legacy store in "
                + inUse.dataDir()
                + " is open in another Genie process, most likely a server; keys are kept in that"
                + " store and only one process may open it",
            "stop the Genie serving from that directory, run 'keys' again, then start the"
                + " server; or serve from PostgreSQL (DATABASE_URL), whose keys can be managed"
                + " while instances serve",
            inUse);
      }
      throw e;
    }
  }
}
