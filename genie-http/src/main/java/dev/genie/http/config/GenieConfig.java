package dev.genie.http.config;

import dev.genie.core.OrchestratorSettings;
import dev.genie.http.StartupCheckException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything Genie is configured with, read once from the environment at startup.
 *
 * @param notices one-line remarks about the configuration, logged at startup
 */
public record GenieConfig(
    ServerSettings server,
    StorageSettings storage,
    OrchestratorSettings orchestrator,
    GeneratorSettings generator,
    LogSettings log,
    RenderSettings render,
    AuthSettings auth,
    TelemetrySettings telemetry,
    List<String> notices) {

  /** Accepted from old CI configurations, with a notice, and without effect. */
  static final KeyTable<Void> CARRIED_OVER =
      KeyTable.<Void>of(GenieConfig.class)
          .withKeys(
              Key.described("GENIE_PERSISTENCE_AWAIT", "notices", Parser.TEXT, "—"),
              Key.described("SKIP_PUPPETEER", "notices", Parser.TEXT, "—"));

  public GenieConfig {
    notices = List.copyOf(notices);
  }

  /** This configuration with other storage settings, for a command that adjusts them. */
  public GenieConfig withStorage(StorageSettings storage) {
    return new GenieConfig(
        server, storage, orchestrator, generator, log, render, auth, telemetry, notices);
  }

  /** This configuration with other authentication settings, for a command that serves nobody. */
  public GenieConfig withAuth(AuthSettings auth) {
    return new GenieConfig(
        server, storage, orchestrator, generator, log, render, auth, telemetry, notices);
  }

  /**
   * @throws dev.genie.http.StartupCheckException naming the key of the first bad value
   */
  public static GenieConfig fromEnvironment(Map<String, String> environment) {
    Env env = new Env(environment);
    List<String> notices = new ArrayList<>();
    for (Key<?> carriedOver : CARRIED_OVER.keys()) {
      if (env.get(carriedOver.name()).isPresent()) {
        notices.add(
            carriedOver.name()
                + " is accepted and has no effect: responses always follow the commit, and no"
                + " browser runs");
      }
    }
    try {
      ServerSettings server = ServerSettings.from(env);
      return new GenieConfig(
          server,
          StorageSettings.from(env, notices),
          OrchestratorKeys.read(env),
          GeneratorSettings.from(env),
          LogSettings.from(environment, env),
          RenderSettings.from(env),
          AuthSettings.from(env, server.host()),
          TelemetrySettings.from(env),
          notices);
    } catch (IllegalArgumentException e) {
      throw new StartupCheckException(e.getMessage(), "correct the setting it names");
    }
  }
}
