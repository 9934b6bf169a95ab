package dev.genie.it;

import dev.genie.it.support.GuideExample;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged jar run as a child process, as users run it: {@code java -jar genie.jar}, with an
 * environment of the test's choosing and nothing inherited from the build's Genie settings.
 */
final class GenieProcess implements AutoCloseable {
  private static final Pattern SERVING = Pattern.compile("Genie serving on (http://\\S+)");

  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private GenieProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Starts {@code java -jar genie.jar args…} in {@code workDir}. */
  static GenieProcess start(Path workDir, Map<String, String> env, String... args)
      throws IOException {
    return start(List.of(), workDir, env, args);
  }

  /**
   * Starts it as a shell script's background job does: with SIGINT ignored, which {@code exec}
   * passes on to the JVM.
   */
  static GenieProcess startIgnoringSigint(Path workDir, Map<String, String> env, String... args)
      throws IOException {
    return start(List.of("sh", "-c", "trap '' INT; exec \"$0\" \"$@\""), workDir, env, args);
  }

  private static GenieProcess start(
      List<String> launcher, Path workDir, Map<String, String> env, String... args)
      throws IOException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(System.getProperty("java.home") + "/bin/java");
    List<String> command = new ArrayList<>(launcher);
    command.addAll(List.of(java, "-jar", jar().toAbsolutePath().toString()));
    command.addAll(List.of(args));
    return run(command, workDir, env);
  }

  /**
   * Starts {@code bin/genie args…} in {@code workDir} on {@code jar} ({@code GENIE_JAR}), with the
   * {@code java} on the PATH, as a user runs it.
   */
  static GenieProcess startScript(Path jar, Path workDir, Map<String, String> env, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(GuideExample.projectRoot().resolve("bin/genie").toString());
    command.addAll(List.of(args));
    Map<String, String> withJar = new HashMap<>(env);
    withJar.put("GENIE_JAR", jar.toAbsolutePath().toString());
    return run(command, workDir, withJar);
  }

  /** The packaged jar. */
  static Path jar() {
    Path jar = Path.of(System.getProperty("genie.jar", "../genie-http/target/genie.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError(
          "the packaged jar is missing at " + jar.toAbsolutePath() + "; run mvn -B verify");
    }
    return jar;
  }

  private static GenieProcess run(List<String> command, Path workDir, Map<String, String> env)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.environment().keySet().removeIf(GenieProcess::isGenieSetting);
    builder.environment().putAll(env);
    Path stdout = workDir.resolve("stdout.log");
    Path stderr = workDir.resolve("stderr.log");
    builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    return new GenieProcess(builder.start(), stdout, stderr);
  }

  private static boolean isGenieSetting(String key) {
    return key.startsWith("GENIE_")
        || key.equals("DATABASE_URL")
        || key.equals("PORT")
        || key.equals("USE_PRISMA_IN_TEST");
  }

  /** Waits for the process to end on its own and returns its exit status. */
  int awaitExit(Duration timeout) throws InterruptedException, IOException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("Genie did not exit within " + timeout + "; stderr: " + stderr());
    }
    return process.exitValue();
  }

  /** The base URI from the startup line, once Genie serves. */
  String awaitServing(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher serving = SERVING.matcher(stdout());
      if (serving.find()) {
        return serving.group(1);
      }
      if (!process.isAlive()) {
        throw new AssertionError("Genie exited with " + process.exitValue() + ": " + stderr());
      }
      Thread.sleep(20);
    }
    throw new AssertionError("Genie did not start serving within " + timeout);
  }

  /** A port nothing listens on now: for a process to bind, or to fail to reach. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Sends SIGINT, as Ctrl-C in a terminal does. */
  void interrupt() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start();
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill -INT " + process.pid() + " failed");
    }
  }

  /** Sends SIGTERM, as a process manager does to stop a service. */
  void terminate() {
    process.destroy();
  }

  /** Sends SIGKILL, as a crash or the OOM killer would end it, and waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("Genie (pid " + process.pid() + ") survived SIGKILL for 30 s");
    }
  }

  /** Sends SIGSTOP: the process hangs, threads and all, as a frozen machine would. */
  void suspend() throws Exception {
    signal("STOP");
  }

  /** Sends SIGCONT after {@link #suspend}. */
  void resume() throws Exception {
    signal("CONT");
  }

  private void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /**
   * Whether the process ignores {@code signal} (its number), from {@code SigIgn} in {@code
   * /proc/<pid>/status}: an ignored signal is discarded as it is sent, so it has no later effect.
   */
  boolean ignores(int signal) throws IOException {
    String mask =
        Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
            .filter(line -> line.startsWith("SigIgn:"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no SigIgn for pid " + process.pid()))
            .substring("SigIgn:".length())
            .strip();
    return new java.math.BigInteger(mask, 16).testBit(signal - 1);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String stdout() throws IOException {
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  String stderr() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
