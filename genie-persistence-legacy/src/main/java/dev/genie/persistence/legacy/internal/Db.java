package dev.genie.persistence.legacy.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * One connection to the store's SQLite file with its prepared statements kept for reuse. Not
 * thread-safe: the writer thread owns one, and each reader is lent to one caller at a time.
 */
public final class Db implements AutoCloseable {
  /** How long a statement waits for a lock another connection holds (a checkpoint, a writer). */
  private static final int BUSY_TIMEOUT_MS = 10_000;

  private final Path file;
  private final Connection connection;
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  private Db(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  /**
   * The writer's connection: write-ahead log, and {@code synchronous=FULL}, under which every
   * commit is fsynced before it returns. (With a write-ahead log, NORMAL skips that fsync and a
   * power cut can lose the last commits: not durable enough to acknowledge a prompt on.)
   */
  static Db writer(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    return new Db(file, config.createConnection(url(file)));
  }

  /** A reader's connection: it sees every commit made before its statement started. */
  static Db reader(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    Db db = new Db(file, config.createConnection(url(file)));
    db.exec("PRAGMA query_only = 1");
    return db;
  }

  private static String url(Path file) {
    return "jdbc:sqlite:" + file;
  }

  public Path file() {
    return file;
  }

  /** The statement for {@code sql}, prepared once per connection; its parameters are cleared. */
  public PreparedStatement prepare(String sql) throws SQLException {
    PreparedStatement statement = statements.get(sql);
    if (statement == null) {
      statement = connection.prepareStatement(sql);
      statements.put(sql, statement);
    } else {
      statement.clearParameters();
    }
    return statement;
  }

  public void exec(String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** The first column of the first row of {@code sql}, as a long; 0 when there is no row. */
  public long queryLong(String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      return rows.next() ? rows.getLong(1) : 0;
    }
  }

  @Override
  public void close() throws SQLException {
    for (PreparedStatement statement : statements.values()) {
      statement.close();
    }
    statements.clear();
    connection.close();
  }
}
