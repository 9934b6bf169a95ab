package dev.genie.it.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Finding and running the Debian-packaged servers that some suites start as their own children
 * (PgBouncer, etcd, Patroni): each listens on 127.0.0.1 on a port of its own and is stopped by the
 * test that started it.
 */
public final class LocalPrograms {
  /** PostgreSQL and the programs around it refuse to run as root; CI runs as root. */
  static final String SERVICE_USER = "postgres";

  private LocalPrograms() {}

  /**
   * The installed program {@code name}.
   *
   * @throws AssertionError saying which Debian package to install when it is missing
   */
  public static Path require(String name, String debianPackage) {
    List<String> directories = new ArrayList<>();
    String path = System.getenv().getOrDefault("PATH", "");
    directories.addAll(List.of(path.split(":")));
    directories.addAll(List.of("/usr/sbin", "/usr/bin", "/usr/local/bin"));
    for (String directory : directories) {
      if (directory.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(directory, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(
        name
            + " is not installed, and this suite starts it itself: install Debian's package with"
            + " `apt-get install -y "
            + debianPackage
            + "` (.ci/run does so when it is missing)");
  }

  /** Whether this JVM runs as root, where servers must be started as {@value #SERVICE_USER}. */
  public static boolean runningAsRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** {@code command}, run as {@value #SERVICE_USER} when this JVM runs as root. */
  public static List<String> asServiceUser(List<String> command) {
    if (!runningAsRoot()) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", SERVICE_USER, "--"));
    wrapped.addAll(command);
    return wrapped;
  }

  /**
   * A new directory for one server's files: under {@code target/<name>/}, unless the suite runs as
   * root and {@value #SERVICE_USER} cannot reach it (a checkout under {@code /root}, say); then
   * under the temporary directory, which is said.
   */
  public static Path workDirectory(String name) throws IOException, InterruptedException {
    Path target = Path.of("target", name).toAbsolutePath();
    Files.createDirectories(target);
    Path parent = target;
    if (runningAsRoot()
        && new ProcessBuilder(asServiceUser(List.of("test", "-x", target.toString())))
                .start()
                .waitFor()
            != 0) {
      parent = Files.createTempDirectory("genie-it-" + name + "-");
      Files.setPosixFilePermissions(
          parent, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      System.out.println(
          "[genie-it] "
              + SERVICE_USER
              + " cannot reach "
              + target
              + " (a parent directory is not searchable), so "
              + name
              + " keeps its files in "
              + parent);
    }
    Path directory = parent.resolve(UUID.randomUUID().toString().substring(0, 8));
    Files.createDirectories(directory);
    return directory;
  }

  /** Makes {@code directory} (and what is in it) the service user's when running as root. */
  public static void handOver(Path directory) throws IOException, InterruptedException {
    if (runningAsRoot()) {
      run(List.of("chown", "-R", SERVICE_USER + ":", directory.toString()));
    }
  }

  /** A port on 127.0.0.1 that was free a moment ago. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * Waits until something accepts connections on 127.0.0.1:{@code port}.
   *
   * @throws AssertionError when {@code process} ended first or nothing listens within {@code
   *     timeout}, naming {@code log}
   */
  public static void awaitPort(int port, Process process, Duration timeout, Path log)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "the process ended with status "
                + process.exitValue()
                + " before listening; see "
                + log);
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new AssertionError(
        "nothing listens on 127.0.0.1:" + port + " after " + timeout + "; see " + log);
  }

  /**
   * Runs {@code command} to its end.
   *
   * @return its output
   * @throws AssertionError with its output when it fails
   */
  public static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    int status = process.waitFor();
    if (status != 0) {
      throw new AssertionError(String.join(" ", command) + " failed (" + status + "): " + output);
    }
    return output;
  }

  /** Ends {@code process} and what it started, gently first. */
  public static void stop(Process process, Duration grace) throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    if (!process.waitFor(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }
}
