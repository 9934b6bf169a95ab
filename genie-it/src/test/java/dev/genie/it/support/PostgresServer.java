package dev.genie.it.support;

import dev.genie.persistence.sql.DatabaseUrl;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The PostgreSQL server of one test run: from DATABASE_URL, else a Testcontainers container when
 * Docker runs, else an {@link EmbeddedCluster} of the run's own. It creates a database per run
 * ({@link #database()}) and on demand ({@link #freshDatabase()}), and drops them all on {@link
 * #close()}. Use it through {@link PostgresExtension}.
 */
public final class PostgresServer implements AutoCloseable {
  static final String IMAGE = "postgres:16";

  /** A zone far from UTC with a 45-minute offset and daylight saving, so time-zone bugs show. */
  static final String TIME_ZONE = "Pacific/Chatham";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final TestDatabase admin;
  private final String origin;
  private final AutoCloseable container;
  private final List<String> created = new ArrayList<>();
  private final String version;
  private final TestDatabase database;
  private boolean closed;

  private PostgresServer(TestDatabase admin, String origin, AutoCloseable container) {
    this.admin = admin;
    this.origin = origin;
    this.container = container;
    this.version = readVersion();
    this.database = freshDatabase();
  }

  /** Finds the server from the environment and creates the run's database on it. */
  public static PostgresServer start() {
    return start(System.getenv(), PostgresServer::dockerAvailable);
  }

  static PostgresServer start(Map<String, String> env, BooleanSupplier docker) {
    String url = env.get("DATABASE_URL");
    String allow = env.getOrDefault("GENIE_IT_ALLOW_REMOTE_DB", "");
    boolean allowRemote = allow.equals("1") || allow.equalsIgnoreCase("true");
    if (url != null && !url.isBlank()) {
      TestDatabase admin = new TestDatabase(parse(url.strip()));
      if (!admin.isLoopback() && !allowRemote) {
        throw new IllegalStateException(
            "DATABASE_URL points at "
                + admin.server()
                + ", which is not on this machine (127.0.0.0/8, ::1 or localhost). The"
                + " integration suite creates and drops databases on the server it is given, so"
                + " it only uses a local server or a Testcontainers container; set"
                + " GENIE_IT_ALLOW_REMOTE_DB=1 to use this server anyway");
      }
      return open(admin, "DATABASE_URL", null);
    }
    if (!docker.getAsBoolean()) {
      EmbeddedCluster cluster = EmbeddedCluster.start("run");
      return open(new TestDatabase(cluster.adminUrl()), "the suite's embedded PostgreSQL", cluster);
    }
    PostgreSQLContainer container = new PostgreSQLContainer(DockerImageName.parse(IMAGE));
    try {
      container.start();
    } catch (RuntimeException e) {
      container.close();
      throw new IllegalStateException(
          "Docker is available but the Testcontainers "
              + IMAGE
              + " container did not start ("
              + e
              + "); set DATABASE_URL=postgres://user:pass@127.0.0.1:5432/postgres to use a"
              + " running PostgreSQL instead",
          e);
    }
    String jdbcUrl = container.getJdbcUrl();
    TestDatabase admin =
        new TestDatabase(
            DatabaseUrl.parse(
                jdbcUrl
                    + (jdbcUrl.contains("?") ? "&" : "?")
                    + "user="
                    + URLEncoder.encode(container.getUsername(), StandardCharsets.UTF_8)
                    + "&password="
                    + URLEncoder.encode(container.getPassword(), StandardCharsets.UTF_8)));
    return open(admin, "Testcontainers " + IMAGE, container);
  }

  /**
   * The server of a cluster the caller started and stops, for a test that must own its server (to
   * restart it); its databases are dropped on {@link #close()}, the cluster is left running.
   */
  public static PostgresServer on(EmbeddedCluster cluster) {
    return open(new TestDatabase(cluster.adminUrl()), cluster.toString(), null);
  }

  private static PostgresServer open(TestDatabase admin, String origin, AutoCloseable container) {
    try {
      return new PostgresServer(admin, origin, container);
    } catch (RuntimeException e) {
      closeQuietly(container, e);
      throw e;
    }
  }

  /** Genie's own parser: the suite reads DATABASE_URL exactly as Genie does. */
  private static DatabaseUrl parse(String url) {
    try {
      return DatabaseUrl.parse("DATABASE_URL", url);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(e.getMessage() + " (the integration suite reads it too)", e);
    }
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The database created for this run. */
  public TestDatabase database() {
    return database;
  }

  /** Creates another empty database, dropped with the others on {@link #close()}. */
  public TestDatabase freshDatabase() {
    String name = "genie_it_" + HexFormat.of().formatHex(randomBytes(4));
    String quoted = '"' + name + '"';
    try (Connection connection = connectAdmin();
        Statement statement = connection.createStatement()) {
      synchronized (this) {
        if (closed) {
          throw new IllegalStateException("PostgresServer is closed; cannot create " + name);
        }
        statement.execute("CREATE DATABASE " + quoted);
        created.add(name);
      }
      statement.execute("ALTER DATABASE " + quoted + " SET timezone TO '" + TIME_ZONE + "'");
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot create database "
              + name
              + " on "
              + admin
              + " (from "
              + origin
              + "): "
              + e.getMessage()
              + "; the user needs the CREATEDB privilege",
          e);
    }
    return admin.withName(name);
  }

  /**
   * Checks that the planned Genie pools fit the server's free connections before a test loads them,
   * so an overloaded server fails with a clear message instead of pool timeouts.
   *
   * @return the figures, for the run's summary
   * @throws IllegalStateException when they do not fit
   */
  public ConnectionBudget checkConnectionBudget(
      int genieInstances, int poolSizePerInstance, int extraPerInstance) {
    if (genieInstances < 1 || poolSizePerInstance < 1 || extraPerInstance < 0) {
      throw new IllegalArgumentException(
          "need at least 1 instance, a pool of at least 1 and no negative extra: "
              + genieInstances
              + ", "
              + poolSizePerInstance
              + ", "
              + extraPerInstance);
    }
    String sql =
        "select current_setting('max_connections')::int,"
            + " current_setting('superuser_reserved_connections')::int,"
            + " coalesce(current_setting('reserved_connections', true), '0')::int,"
            + " (select count(*) from pg_stat_activity"
            + "   where backend_type = 'client backend' and pid <> pg_backend_pid())::int";
    ConnectionBudget budget;
    try (Connection connection = connectAdmin();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      budget =
          new ConnectionBudget(
              row.getInt(1),
              row.getInt(2),
              row.getInt(3),
              row.getInt(4),
              genieInstances,
              poolSizePerInstance,
              extraPerInstance);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot read the connection limits of " + admin + ": " + e.getMessage(), e);
    }
    if (!budget.fits()) {
      throw new IllegalStateException(
          "PostgreSQL at "
              + admin.server()
              + " has too few free connections for this run: "
              + budget
              + "; raise max_connections or lower GENIE_DB_POOL_SIZE / -Dgenie.it.n");
    }
    return budget;
  }

  /** Drops every database this server created, then stops the container or cluster, if any. */
  @Override
  public void close() {
    List<String> toDrop;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toDrop = List.copyOf(created);
    }
    IllegalStateException failure = null;
    try (Connection connection = connectAdmin();
        Statement statement = connection.createStatement()) {
      for (String name : toDrop) {
        try {
          statement.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
        } catch (SQLException e) {
          failure = addFailure(failure, "Cannot drop database " + name + ": " + e.getMessage(), e);
        }
      }
    } catch (SQLException e) {
      failure =
          addFailure(
              failure,
              "Cannot connect to " + admin + " to drop " + toDrop + ": " + e.getMessage(),
              e);
    }
    if (container != null) {
      try {
        container.close();
      } catch (Exception e) {
        failure = addFailure(failure, "Cannot stop " + origin + ": " + e, e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "PostgreSQL "
        + version
        + " from "
        + origin
        + " at "
        + admin
        + ", run database "
        + database.name();
  }

  private String readVersion() {
    try (Connection connection = connectAdmin();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("show server_version")) {
      row.next();
      return row.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot connect to PostgreSQL at "
              + admin
              + " (from "
              + origin
              + "): "
              + e.getMessage().replaceFirst("\\.?$", ".")
              + " Check that the server runs and accepts this login.",
          e);
    }
  }

  private Connection connectAdmin() throws SQLException {
    return admin.connect();
  }

  private static IllegalStateException addFailure(
      IllegalStateException failure, String message, Exception cause) {
    IllegalStateException next = new IllegalStateException(message, cause);
    if (failure == null) {
      return next;
    }
    failure.addSuppressed(next);
    return failure;
  }

  private static void closeQuietly(AutoCloseable closeable, RuntimeException failure) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      failure.addSuppressed(e);
    }
  }

  private static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
