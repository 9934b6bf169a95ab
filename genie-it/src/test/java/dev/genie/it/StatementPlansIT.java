package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.TestDatabase;
import dev.genie.persistence.sql.DatabaseUrl;
import dev.genie.persistence.sql.SqlPromptStore;
import dev.genie.persistence.sql.SqlStoreSettings;
import dev.genie.persistence.sql.internal.MyBatis;
import dev.genie.persistence.sql.internal.PromptMapper;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.apache.ibatis.session.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store's statements find each row through its key's index, whatever PostgreSQL's statistics
 * say. A prepared statement keeps the generic plan it settles on after five runs, so a plan made
 * while a table was new and small, or while no result was pending, would stay: a sequential scan
 * grows slower with every row, and a scan of the pending results with every generation in flight.
 * Each statement's generic plan is read with EXPLAIN, in both states.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatementPlansIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  /** Every statement that names its rows by key or id (not the sweep, nor the listing). */
  private static final List<String> STATEMENTS =
      List.of(
          "claim",
          "claimBatch",
          "findByKey",
          "findByKeys",
          "find",
          "takeOver",
          "renew",
          "complete",
          "completeBatch",
          "fail",
          "release",
          "watch");

  @Test
  void onTablesNeverAnalyzedEachRowIsFoundByItsKey() throws SQLException {
    TestDatabase database = migrated();
    try (Connection connection = database.connect()) {
      for (String statement : STATEMENTS) {
        assertFindsRowsByKey(statement, genericPlan(connection, statement));
      }
    }
  }

  @Test
  void onTablesAnalyzedWhileNothingWasPendingEachRowIsFoundByItsKey() throws SQLException {
    TestDatabase database = migrated();
    try (Connection connection = database.connect();
        Statement sql = connection.createStatement()) {
      sql.execute(
          "INSERT INTO genie_prompts (id, prompt_key, normalized_text, raw_text,"
              + " normalizer_version, created_at, profile_id, profile)"
              + " SELECT gen_random_uuid(), encode(sha256(i::text::bytea), 'hex'), 'prompt ' || i,"
              + " 'prompt ' || i, 1, now(), encode(sha256('profile'::bytea), 'hex'), '{}'"
              + " FROM generate_series(1, 20000) i");
      sql.execute(
          "INSERT INTO genie_results (id, prompt_id, status, envelope, attempts, fencing_token,"
              + " created_at, updated_at, completed_at)"
              + " SELECT gen_random_uuid(), id, 'completed', '{}', 1, 1, now(), now(), now()"
              + " FROM genie_prompts");
      sql.execute("ANALYZE genie_prompts, genie_results");
      for (String statement : STATEMENTS) {
        assertFindsRowsByKey(statement, genericPlan(connection, statement));
      }
    }
  }

  private static TestDatabase migrated() {
    TestDatabase database = POSTGRES.server().freshDatabase();
    SqlPromptStore.open(
            SqlStoreSettings.builder(DatabaseUrl.parse(database.databaseUrl())).poolSize(2).build())
        .close();
    return database;
  }

  private static void assertFindsRowsByKey(String statement, String plan) {
    assertThat(plan)
        .as("generic plan of %s", statement)
        .doesNotContain("Seq Scan on genie_prompts")
        .doesNotContain("Seq Scan on genie_results")
        .doesNotContain("genie_results_pending_lease");
  }

  /** The plan PostgreSQL keeps for {@code statement} once it prepares it generically. */
  private static String genericPlan(Connection connection, String statement) throws SQLException {
    Configuration mapping = MyBatis.mappingInBackground(false).join();
    String sql =
        mapping
            .getMappedStatement(PromptMapper.class.getName() + "." + statement)
            .getBoundSql(null)
            .getSql();
    StringBuilder numbered = new StringBuilder();
    StringJoiner nulls = new StringJoiner(", ", "(", ")");
    int parameter = 0;
    for (char c : sql.toCharArray()) {
      if (c == '?') {
        numbered.append('$').append(++parameter);
        nulls.add("NULL");
      } else {
        numbered.append(c);
      }
    }
    StringBuilder plan = new StringBuilder();
    try (Statement sqlStatement = connection.createStatement()) {
      sqlStatement.execute("DEALLOCATE ALL");
      sqlStatement.execute("SET plan_cache_mode = force_generic_plan");
      sqlStatement.execute("PREPARE planned AS " + numbered);
      try (ResultSet lines = sqlStatement.executeQuery("EXPLAIN EXECUTE planned" + nulls)) {
        while (lines.next()) {
          plan.append(lines.getString(1)).append('\n');
        }
      }
    }
    assertThat(plan).as("generic plan of %s", statement).contains("Index");
    return plan.toString();
  }
}
