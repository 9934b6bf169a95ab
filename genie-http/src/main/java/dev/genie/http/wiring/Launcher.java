package dev.genie.http.wiring;

import dev.genie.http.GenieServer;
import dev.genie.http.config.GenieConfig;
import dev.genie.http.internal.health.ListenCheck;
import java.time.Clock;

/**
 * The one way into the wiring: every command builds its component here, from settings it has
 * already adjusted, and takes from it what it needs.
 */
public final class Launcher {
  private Launcher() {}

  /**
   * The startup check ({@code GENIE_HOST} and {@code GENIE_PORT} first, then the store) and the
   * server over the opened store, its port not bound yet: what {@code serve} starts.
   *
   * @throws dev.genie.http.StartupCheckException when Genie cannot start as configured
   */
  public static GenieServer server(GenieConfig config) {
    return checked(config).server();
  }

  /**
   * The address checked as {@code serve} checks it, then the component: what {@code check} opens.
   */
  public static GenieComponent checked(GenieConfig config) {
    ListenCheck.check(config.server());
    return component(config);
  }

  /** The component alone, nothing opened yet: for commands that serve nobody. */
  public static GenieComponent component(GenieConfig config) {
    return DaggerGenieComponent.factory().create(config, Clock.systemUTC());
  }
}
