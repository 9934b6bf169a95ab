package dev.genie.it.support;

import dev.genie.persistence.sql.DatabaseUrl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A PostgreSQL 15 cluster run by Patroni, set up by the suite itself from Debian's packages: one
 * etcd and two nodes, each with its own ports on 127.0.0.1 and its data directory under {@code
 * target/}, in synchronous mode, so that a commit is acknowledged only once the standby has it.
 * Patroni and PostgreSQL run as {@code postgres} when the suite runs as root. {@link #close()}
 * stops everything it started.
 */
public final class PatroniCluster implements AutoCloseable {
  /** Where Debian's PostgreSQL 15 binaries are. */
  static final String BIN_DIR = "/usr/lib/postgresql/15/bin";

  /** Seconds: how long the leader key lives without renewal, so how long a crash goes unnoticed. */
  public static final int TTL_SECONDS = 8;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path directory;
  private final Path patroni;
  private final Path patronictl;
  private final Process etcd;
  private final List<Node> nodes = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

  /** One member: its Patroni process, PostgreSQL port, REST port, configuration and log. */
  public static final class Node {
    final String name;
    final int pgPort;
    final int apiPort;
    final Path config;
    final Path log;
    Process patroni;

    Node(String name, int pgPort, int apiPort, Path config, Path log) {
      this.name = name;
      this.pgPort = pgPort;
      this.apiPort = apiPort;
      this.config = config;
      this.log = log;
    }

    public String name() {
      return name;
    }

    Path dataDirectory(Path directory) {
      return directory.resolve(name);
    }

    @Override
    public String toString() {
      return name + " (127.0.0.1:" + pgPort + ")";
    }
  }

  private PatroniCluster(Path directory, Path patroni, Path patronictl, Process etcd) {
    this.directory = directory;
    this.patroni = patroni;
    this.patronictl = patronictl;
    this.etcd = etcd;
  }

  /**
   * Starts etcd and two Patroni nodes, and waits until one is the leader and the other its
   * synchronous standby.
   *
   * @throws AssertionError naming the Debian package to install when a program is missing
   */
  public static PatroniCluster start() throws IOException, InterruptedException {
    Path etcdBinary = LocalPrograms.require("etcd", "etcd-server");
    Path patroni = LocalPrograms.require("patroni", "patroni");
    Path patronictl = LocalPrograms.require("patronictl", "patroni");
    if (!Files.isExecutable(Path.of(BIN_DIR, "postgres"))) {
      throw new AssertionError(
          "PostgreSQL 15's server is not in "
              + BIN_DIR
              + ": install Debian's package with `apt-get install -y postgresql-15`");
    }
    Path directory = LocalPrograms.workDirectory("patroni");
    int etcdPort = LocalPrograms.freePort();
    int peerPort = LocalPrograms.freePort();
    Path etcdLog = directory.resolve("etcd.log");
    Process etcd =
        new ProcessBuilder(
                etcdBinary.toString(),
                "--name=genie-it",
                "--data-dir=" + directory.resolve("etcd"),
                "--listen-client-urls=http://127.0.0.1:" + etcdPort,
                "--advertise-client-urls=http://127.0.0.1:" + etcdPort,
                "--listen-peer-urls=http://127.0.0.1:" + peerPort,
                "--initial-advertise-peer-urls=http://127.0.0.1:" + peerPort,
                "--initial-cluster=genie-it=http://127.0.0.1:" + peerPort)
            .redirectErrorStream(true)
            .redirectOutput(etcdLog.toFile())
            .start();
    PatroniCluster cluster = new PatroniCluster(directory, patroni, patronictl, etcd);
    try {
      LocalPrograms.awaitPort(etcdPort, etcd, Duration.ofSeconds(20), etcdLog);
      for (String name : List.of("node1", "node2")) {
        Node node =
            new Node(
                name,
                LocalPrograms.freePort(),
                LocalPrograms.freePort(),
                directory.resolve(name + ".yml"),
                directory.resolve(name + ".log"));
        Files.writeString(node.config, configuration(node, directory, etcdPort));
        cluster.nodes.add(node);
      }
      LocalPrograms.handOver(directory);
      for (Node node : cluster.nodes) {
        cluster.startPatroni(node);
        if (node == cluster.nodes.get(0)) {
          cluster.awaitLeader(START_TIMEOUT); // the first node bootstraps alone
        }
      }
      cluster.awaitSynchronousStandby(START_TIMEOUT);
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  private void startPatroni(Node node) throws IOException {
    node.patroni =
        new ProcessBuilder(
                LocalPrograms.asServiceUser(List.of(patroni.toString(), node.config.toString())))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(node.log.toFile()))
            .start();
  }

  /**
   * Starts the Patroni of a node that {@link #crash crashed} again: it rejoins the cluster as a
   * standby, rewound first when it had gone ahead of the new primary.
   */
  public void restart(Node node) throws IOException, InterruptedException {
    if (!node.patroni.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      throw new AssertionError(node + "'s Patroni was still running 10 s after its crash");
    }
    startPatroni(node);
  }

  /** {@code postgres://postgres@127.0.0.1:p1,127.0.0.1:p2/database}: both nodes. */
  public String databaseUrl(String database) {
    return "postgres://postgres@"
        + String.join(",", nodes.stream().map(n -> "127.0.0.1:" + n.pgPort).toList())
        + "/"
        + database;
  }

  /** Creates {@code database} on the primary and returns it for plain JDBC checks. */
  public TestDatabase createDatabase(String database) throws SQLException {
    try (Connection connection = connect("postgres");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + database);
    }
    return new TestDatabase(DatabaseUrl.parse(databaseUrl(database)));
  }

  /** A plain JDBC connection to {@code database} on whichever node is the primary now. */
  public Connection connect(String database) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", "postgres");
    properties.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(
        DatabaseUrl.parse(databaseUrl(database)).jdbcUrl(), properties);
  }

  /** The node whose Patroni says it is the primary, if any answers so. */
  public Optional<Node> primary() {
    for (Node node : nodes) {
      if (status(node, "/primary") == 200) {
        return Optional.of(node);
      }
    }
    return Optional.empty();
  }

  /** Waits until a node is the primary and returns it. */
  public Node awaitLeader(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<Node> primary = primary();
      if (primary.isPresent()) {
        return primary.get();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no Patroni node became the primary within " + timeout + "; " + this);
  }

  /** Waits until {@code node}'s Patroni says it is the primary. */
  public void awaitPrimary(Node node, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (status(node, "/primary") != 200) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(node + " did not become the primary within " + timeout);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + node + " to be promoted", e);
      }
    }
  }

  /**
   * Waits until a standby is synchronous: only then can the primary's loss be survived without
   * losing what it acknowledged, so Patroni will not promote a standby that was not.
   */
  public void awaitSynchronousStandby(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (nodes.stream().noneMatch(n -> status(n, "/sync") == 200)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no synchronous standby within " + timeout + "; " + this);
      }
      Thread.sleep(100);
    }
  }

  /** The other node. */
  public Node other(Node node) {
    return nodes.get(0) == node ? nodes.get(1) : nodes.get(0);
  }

  /** {@code patronictl switchover} from {@code from} to the other node; returns its output. */
  public String switchover(Node from) throws IOException, InterruptedException {
    return LocalPrograms.run(
        List.of(
            patronictl.toString(),
            "-c",
            from.config.toString(),
            "switchover",
            "--leader",
            from.name,
            "--candidate",
            other(from).name,
            "--force"));
  }

  /** {@code kill -9} of {@code node}'s postmaster and of its Patroni, at once. */
  public void crash(Node node) throws IOException, InterruptedException {
    List<String> pids = new ArrayList<>(patroniPids(node));
    postmaster(node).ifPresent(pid -> pids.add(Long.toString(pid)));
    signal("KILL", pids);
  }

  /** {@code patronictl list}, for summaries and failures. */
  public String list() {
    try {
      return LocalPrograms.run(
          List.of(patronictl.toString(), "-c", nodes.get(0).config.toString(), "list"));
    } catch (IOException | InterruptedException | AssertionError e) {
      return "patronictl list failed: " + e.getMessage();
    }
  }

  /** The logs of etcd and of each node's Patroni and PostgreSQL. */
  public List<Path> logs() {
    List<Path> logs = new ArrayList<>(List.of(directory.resolve("etcd.log")));
    nodes.forEach(node -> logs.add(node.log));
    return logs;
  }

  /**
   * Stops each Patroni (which stops its PostgreSQL), then any postmaster left without its Patroni,
   * then etcd, and deletes their data directories.
   */
  @Override
  public void close() throws InterruptedException {
    for (Node node : nodes) {
      if (node.patroni != null) {
        signal("TERM", patroniPids(node));
      }
    }
    for (Node node : nodes) {
      if (node.patroni != null) {
        LocalPrograms.stop(node.patroni, Duration.ofSeconds(30));
      }
      Optional<Long> postmaster = postmaster(node);
      if (postmaster.isPresent()) {
        signal("QUIT", List.of(Long.toString(postmaster.get())));
        ProcessHandle.of(postmaster.get()).ifPresent(p -> awaitExit(p, Duration.ofSeconds(10)));
      }
    }
    LocalPrograms.stop(etcd, Duration.ofSeconds(10));
    // The data directories take a quarter of a gigabyte; the logs stay.
    List<Path> data = new ArrayList<>(List.of(directory.resolve("etcd")));
    nodes.forEach(node -> data.add(node.dataDirectory(directory)));
    for (Path tree : data) {
      deleteTree(tree);
    }
  }

  private static void deleteTree(Path tree) {
    if (!Files.exists(tree)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(tree)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException | UncheckedIOException e) {
      System.out.println("[genie-it] could not delete " + tree + ": " + e);
    }
  }

  private static void awaitExit(ProcessHandle process, Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      System.out.println("[genie-it] " + process.pid() + " is still running after " + timeout);
    }
  }

  @Override
  public String toString() {
    return "Patroni cluster in " + directory + ": " + nodes;
  }

  /** The pids of {@code node}'s Patroni (beneath runuser when running as root). */
  private static List<String> patroniPids(Node node) {
    List<String> pids = new ArrayList<>();
    Stream.concat(Stream.of(node.patroni.toHandle()), node.patroni.descendants())
        .filter(p -> p.info().commandLine().orElse("").contains("bin/patroni"))
        .forEach(p -> pids.add(Long.toString(p.pid())));
    return pids;
  }

  /** The running postmaster of {@code node}, from its pid file. */
  private Optional<Long> postmaster(Node node) {
    Path pidFile = node.dataDirectory(directory).resolve("postmaster.pid");
    try {
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessHandle::pid);
    } catch (IOException | RuntimeException noServer) {
      return Optional.empty(); // no pid file: no server running
    }
  }

  private static void signal(String signal, List<String> pids) {
    if (pids.isEmpty()) {
      return;
    }
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    command.addAll(pids);
    try {
      new ProcessBuilder(command).redirectErrorStream(true).start().waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private int status(Node node, String path) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.apiPort + path))
                  .timeout(Duration.ofMillis(500))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String configuration(Node node, Path directory, int etcdPort) {
    return String.join(
        "\n",
        "scope: genie-it",
        "namespace: /genie-it/",
        "name: " + node.name,
        "restapi:",
        "  listen: 127.0.0.1:" + node.apiPort,
        "  connect_address: 127.0.0.1:" + node.apiPort,
        "etcd3:",
        "  hosts: 127.0.0.1:" + etcdPort,
        "bootstrap:",
        "  dcs:",
        "    ttl: " + TTL_SECONDS,
        "    loop_wait: 1",
        "    retry_timeout: 3",
        "    maximum_lag_on_failover: 1048576",
        "    synchronous_mode: true",
        "    postgresql:",
        "      use_pg_rewind: true",
        "      use_slots: true",
        "      parameters:",
        "        max_connections: 100",
        "        wal_level: replica",
        "        hot_standby: 'on'",
        "        max_wal_senders: 5",
        "        max_replication_slots: 5",
        "        wal_log_hints: 'on'",
        "  initdb:",
        "    - encoding: UTF8",
        "  pg_hba:",
        "    - host replication all 127.0.0.1/32 trust",
        "    - host all all 127.0.0.1/32 trust",
        "postgresql:",
        "  listen: 127.0.0.1:" + node.pgPort,
        "  connect_address: 127.0.0.1:" + node.pgPort,
        "  data_dir: " + node.dataDirectory(directory),
        "  bin_dir: " + BIN_DIR,
        "  pgpass: " + directory.resolve(node.name + ".pgpass"),
        "  authentication:",
        "    superuser:",
        "      username: postgres",
        "    replication:",
        "      username: postgres",
        "    rewind:",
        "      username: postgres",
        "  parameters:",
        "    unix_socket_directories: ''",
        "    logging_collector: 'off'",
        "");
  }
}
