package dev.genie.it.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every row of genie_prompts and genie_results, read through plain JDBC with each column as the
 * text PostgreSQL gives for it, so checks depend on the table layout and not on Genie's code.
 */
public final class StoredRows {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final List<Map<String, String>> prompts;
  private final List<Map<String, String>> results;

  private StoredRows(List<Map<String, String>> prompts, List<Map<String, String>> results) {
    this.prompts = prompts;
    this.results = results;
  }

  /** Reads both tables in one repeatable-read snapshot, so the two agree with each other. */
  public static StoredRows read(Connection connection) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    int isolation = connection.getTransactionIsolation();
    connection.setAutoCommit(false);
    connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    try {
      StoredRows rows =
          new StoredRows(
              query(connection, "select * from genie_prompts order by created_at, id"),
              query(connection, "select * from genie_results order by created_at, id"));
      connection.commit();
      return rows;
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
      connection.setTransactionIsolation(isolation);
    }
  }

  /** Rows of genie_prompts, oldest first; column name to its text, null for SQL NULL. */
  public List<Map<String, String>> prompts() {
    return prompts;
  }

  /** Rows of genie_results, oldest first; column name to its text, null for SQL NULL. */
  public List<Map<String, String>> results() {
    return results;
  }

  public RowCounts counts() {
    Map<String, Integer> byStatus = new TreeMap<>();
    for (Map<String, String> row : results) {
      byStatus.merge(String.valueOf(row.get("status")), 1, Integer::sum);
    }
    return new RowCounts(prompts.size(), results.size(), byStatus);
  }

  /** Writes both tables as JSON, for the failure artifacts. */
  public void writeJson(Path file) throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("counts", counts().toString());
    root.put("genie_prompts", prompts);
    root.put("genie_results", results);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    JSON.writeValue(file.toFile(), root);
  }

  private static List<Map<String, String>> query(Connection connection, String sql)
      throws SQLException {
    List<Map<String, String>> rows = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet resultSet = statement.executeQuery(sql)) {
      ResultSetMetaData meta = resultSet.getMetaData();
      while (resultSet.next()) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int column = 1; column <= meta.getColumnCount(); column++) {
          row.put(meta.getColumnLabel(column), resultSet.getString(column));
        }
        rows.add(row);
      }
    }
    return List.copyOf(rows);
  }
}
