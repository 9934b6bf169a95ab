import dev.genie.persistence.sql.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * A database of this test's own on the server at DATABASE_URL, else on an embedded PostgreSQL
 * started for it; dropped (and the embedded server stopped) on close.
 */
final class ConsumerDatabase implements AutoCloseable {
  private final DatabaseUrl server;
  private final DatabaseUrl database;
  private final EmbeddedPostgres embedded;

  private ConsumerDatabase(DatabaseUrl server, DatabaseUrl database, EmbeddedPostgres embedded) {
    this.server = server;
    this.database = database;
    this.embedded = embedded;
  }

  static ConsumerDatabase create() throws SQLException, IOException {
    String url = System.getenv("DATABASE_URL");
    EmbeddedPostgres embedded = null;
    if (url == null || url.isBlank()) {
      embedded = EmbeddedPostgres.start();
      url = "postgres://postgres@127.0.0.1:" + embedded.getPort() + "/postgres";
    }
    DatabaseUrl server = DatabaseUrl.parse(url);
    byte[] suffix = new byte[6];
    new SecureRandom().nextBytes(suffix);
    DatabaseUrl database = server.withDatabase("genie_consumer_" + HexFormat.of().formatHex(suffix));
    try (Connection connection = connect(server);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + database.database());
    }
    return new ConsumerDatabase(server, database, embedded);
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
  public void close() throws SQLException, IOException {
    try (Connection connection = connect(server);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + database.database() + " WITH (FORCE)");
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }
}
