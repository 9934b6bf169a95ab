import dev.genie.persistence.sql.DatabaseUrl;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/** A database of this test's own on the server at DATABASE_URL, dropped on close. */
final class ConsumerDatabase implements AutoCloseable {
  private final DatabaseUrl server;
  private final DatabaseUrl database;

  private ConsumerDatabase(DatabaseUrl server, DatabaseUrl database) {
    this.server = server;
    this.database = database;
  }

  static ConsumerDatabase create() throws SQLException {
    String url = System.getenv("DATABASE_URL");
    if (url == null || url.isBlank()) {
      throw new IllegalStateException(
          "set DATABASE_URL=postgres://user:password@127.0.0.1:5432/postgres: this test creates"
              + " a database on that server and drops it afterwards");
    }
    DatabaseUrl server = DatabaseUrl.parse(url);
    byte[] suffix = new byte[6];
    new SecureRandom().nextBytes(suffix);
    DatabaseUrl database = server.withDatabase("genie_consumer_" + HexFormat.of().formatHex(suffix));
    try (Connection connection = connect(server);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + database.database());
    }
    return new ConsumerDatabase(server, database);
  }

  /** The database's URL as a service is given it: JDBC, with its credentials as parameters. */
  String url() {
    String url =
        database.jdbcUrl()
            + (database.jdbcUrl().contains("?") ? "&" : "?")
            + "user="
            + URLEncoder.encode(database.user(), StandardCharsets.UTF_8);
    return database
        .password()
        .map(p -> url + "&password=" + URLEncoder.encode(p, StandardCharsets.UTF_8))
        .orElse(url);
  }

  Connection connect() throws SQLException {
    return connect(database);
  }

  private static Connection connect(DatabaseUrl url) throws SQLException {
    return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password().orElse(null));
  }

  @Override
  public void close() throws SQLException {
    try (Connection connection = connect(server);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + database.database() + " WITH (FORCE)");
    }
  }
}
