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
    for (String carriedOver : List.of("GENIE_PERSISTENCE_AWAIT", "SKIP_PUPPETEER")) {
      if (env.get(carriedOver).isPresent()) {
        notices.add(
            carriedOver
                + " is accepted and has no effect: responses always follow the commit, and no"
                + " browser runs");
      }
    }
    try {
      ServerSettings server = ServerSettings.from(env);
      return new GenieConfig(
          server,
          StorageSettings.from(env, notices),
          orchestrator(env),
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

  private static OrchestratorSettings orchestrator(Env env) {
    OrchestratorSettings.Builder builder = OrchestratorSettings.builder();
    env.millis("GENIE_WAIT_TIMEOUT_MS").ifPresent(builder::waitTimeout);
    env.millis("GENIE_LEASE_MS").ifPresent(builder::lease);
    env.integer("GENIE_MAX_ATTEMPTS").ifPresent(builder::maxAttempts);
    env.integer("GENIE_MAX_PROMPT_CHARS").ifPresent(builder::maxPromptChars);
    env.get("GENIE_INSTANCE_ID").ifPresent(builder::instanceId);
    return builder.build();
  }
}
