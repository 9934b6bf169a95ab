package dev.genie.http.internal.health;

import dev.genie.http.StartupCheckException;
import dev.genie.http.config.ServerSettings;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/**
 * The startup check of {@code GENIE_HOST} and {@code GENIE_PORT}: resolves the address and binds it
 * once, before the store is opened or the schema touched, so that a port in use or a foreign
 * address fails with the banner instead of a stack trace after a migration.
 */
public final class ListenCheck {
  private static final String FREE_PORT = "set GENIE_PORT to a free port (0 picks one)";

  private ListenCheck() {}

  /**
   * @throws StartupCheckException naming {@code GENIE_HOST} or {@code GENIE_PORT} when the address
   *     cannot be resolved or bound
   */
  public static void check(ServerSettings server) {
    InetAddress address;
    try {
      address = InetAddress.getByName(server.host());
    } catch (UnknownHostException e) {
      throw new StartupCheckException(
          "GENIE_HOST=" + server.host() + " cannot be resolved to an address",
          "set GENIE_HOST to an address or a resolvable name of this machine (127.0.0.1, or"
              + " 0.0.0.0 for every interface)",
          e);
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true); // as Undertow binds: a port in TIME_WAIT is free to take
      socket.bind(new InetSocketAddress(address, server.port()));
    } catch (IOException e) {
      throw refused(server, e);
    }
  }

  /** The banner for a bind that failed, here or when the server itself binds. */
  public static StartupCheckException refused(ServerSettings server, Throwable failure) {
    String where = "GENIE_HOST=" + server.host() + " GENIE_PORT=" + server.port();
    String message = String.valueOf(failure.getMessage());
    if (failure instanceof BindException && message.contains("in use")) {
      return new StartupCheckException(
          "cannot listen on " + where + ": the port is in use by another process",
          "stop that process, or " + FREE_PORT,
          failure);
    }
    if (failure instanceof BindException && message.contains("assign")) {
      return new StartupCheckException(
          "cannot listen on " + where + ": the address is not one of this machine's",
          "set GENIE_HOST to an address of this machine (127.0.0.1, or 0.0.0.0 for every"
              + " interface)",
          failure);
    }
    return new StartupCheckException(
        "cannot listen on " + where + ": " + message,
        "check GENIE_HOST and GENIE_PORT (a port below 1024 needs privileges), or " + FREE_PORT,
        failure);
  }
}
