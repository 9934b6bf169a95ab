package dev.genie.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * PgBouncer from Debian's package, started as this suite's own child in transaction mode in front
 * of the run's PostgreSQL: its ini, user list and log under {@code target/}, listening on a port of
 * its own on 127.0.0.1 (no Unix socket), stopped by {@link #close()}.
 */
public final class PgBouncer implements AutoCloseable {
  /** Server connections per database and user: fewer than the instances' pools together. */
  public static final int POOL_SIZE = 6;

  private final List<String> command;
  private final int port;
  private final Path log;
  private Process process;

  private PgBouncer(List<String> command, int port, Path log) {
    this.command = command;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts PgBouncer in transaction mode in front of {@code database}'s server; every database of
   * that server is reachable through it under its own name.
   *
   * @throws AssertionError naming the package to install when pgbouncer is missing
   */
  public static PgBouncer start(TestDatabase database) throws IOException, InterruptedException {
    Path binary = LocalPrograms.require("pgbouncer", "pgbouncer");
    Path directory = LocalPrograms.workDirectory("pgbouncer");
    int port = LocalPrograms.freePort();
    Path userList = directory.resolve("userlist.txt");
    Files.writeString(userList, quoted(database.user()) + " " + quoted(database.password()) + "\n");
    String[] server = database.server().split(":(?=[0-9]+$)");
    Path ini = directory.resolve("pgbouncer.ini");
    Files.writeString(
        ini,
        String.join(
            "\n",
            "[databases]",
            "* = host=" + server[0].replaceAll("[\\[\\]]", "") + " port=" + server[1],
            "[pgbouncer]",
            "listen_addr = 127.0.0.1",
            "listen_port = " + port,
            "unix_socket_dir =",
            "auth_type = trust",
            "auth_file = " + userList,
            "pool_mode = transaction",
            "default_pool_size = " + POOL_SIZE,
            "max_client_conn = 1000",
            // pgjdbc sends it at startup; PgBouncer 1.18 refuses unknown startup parameters.
            "ignore_startup_parameters = extra_float_digits",
            "server_reset_query =",
            ""));
    Path log = directory.resolve("pgbouncer.log");
    List<String> command = new ArrayList<>(List.of(binary.toString()));
    if (LocalPrograms.runningAsRoot()) {
      command.addAll(List.of("-u", LocalPrograms.SERVICE_USER));
    }
    command.add(ini.toString());
    PgBouncer bouncer = new PgBouncer(List.copyOf(command), port, log);
    bouncer.restart();
    return bouncer;
  }

  /** Starts it again, on the same port, after {@link #close()}: a pooler that comes back. */
  public void restart() throws IOException, InterruptedException {
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    try {
      LocalPrograms.awaitPort(port, process, Duration.ofSeconds(15), log);
    } catch (AssertionError | InterruptedException e) {
      close();
      throw e;
    }
  }

  /** The DATABASE_URL for {@code database} through this PgBouncer. */
  public String databaseUrl(TestDatabase database) {
    String direct = database.databaseUrl();
    return direct.replace("@" + database.server() + "/", "@127.0.0.1:" + port + "/");
  }

  public int port() {
    return port;
  }

  /** Its log: startup, errors and refused clients. */
  public Path log() {
    return log;
  }

  /** Stops it; every client connection through it breaks. */
  @Override
  public void close() throws InterruptedException {
    if (process != null) {
      LocalPrograms.stop(process, Duration.ofSeconds(5));
    }
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\"", "\"\"") + "\"";
  }
}
