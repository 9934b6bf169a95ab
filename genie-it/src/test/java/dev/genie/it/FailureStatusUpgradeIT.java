package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.genie.core.generate.SampleGenerator;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.PostgresServer;
import dev.genie.it.support.SchemaVersions;
import dev.genie.it.support.Sha256;
import dev.genie.it.support.TestDatabase;
import dev.genie.persistence.Claim;
import dev.genie.persistence.Failure;
import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.Result;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.sql.DatabaseUrl;
import dev.genie.persistence.sql.SqlPromptStore;
import dev.genie.persistence.sql.SqlStoreSettings;
import dev.genie.persistence.sql.internal.CurrentSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A database written by schema version 5, before failed results kept the model endpoint's status,
 * with completed, pending and failed results in it, upgraded by this build: every result reads as
 * it was, a failure written before has no status, one written after keeps it (checked through plain
 * JDBC), and the database refuses a status on a result that is not failed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FailureStatusUpgradeIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  private static final String ENVELOPE =
      "{\"version\":1,\"pages\":[],\"metadata\":{\"model\":\"genie-sample-1\","
          + "\"generatedAt\":\"2026-01-01T00:00:00Z\"}}";

  @Test
  void resultsWrittenBeforeReadAsTheyWereAndNewFailuresKeepTheEndpointsStatus(
      PostgresServer postgres) throws Exception {
    TestDatabase database = postgres.freshDatabase();
    Map<String, String> idsByStatus = new LinkedHashMap<>();
    try (HikariDataSource dataSource = SchemaVersions.dataSource(database)) {
      SchemaVersions.migrateTo(dataSource, "5");
      try (Connection connection = database.connect()) {
        for (String status : new String[] {"completed", "pending", "failed"}) {
          idsByStatus.put(status, insertAsVersionFiveDid(connection, status));
        }
      }
    }

    SqlStoreSettings settings =
        SqlStoreSettings.builder(DatabaseUrl.parse(database.databaseUrl())).poolSize(2).build();
    try (SqlPromptStore store = SqlPromptStore.open(settings)) {
      assertThat(store.describe().get("schemaVersion"))
          .isEqualTo(Integer.valueOf(CurrentSchema.latestVersion()));
      assertThat(CurrentSchema.latestVersion()).isEqualTo("7");
      Result completed = store.find(idsByStatus.get("completed")).orElseThrow().result();
      Result pending = store.find(idsByStatus.get("pending")).orElseThrow().result();
      Result failed = store.find(idsByStatus.get("failed")).orElseThrow().result();
      assertThat(completed.status()).isEqualTo(ResultStatus.COMPLETED);
      assertThat(completed.envelope()).isEqualTo(ENVELOPE);
      assertThat(pending.status()).isEqualTo(ResultStatus.PENDING);
      assertThat(pending.leaseOwner()).isEqualTo("old-owner");
      assertThat(failed.failure()).contains(Failure.of("the generator failed"));

      LeaseTerms terms = new LeaseTerms("upgrade-test", Instant.now(), Duration.ofMinutes(1), 3);
      Claim retry = store.takeOver(failed.fence(), terms).orElseThrow();
      store.fail(
          retry.lease().orElseThrow(),
          new Failure("the model's endpoint answered HTTP 429", 429, Duration.ofSeconds(7)),
          Instant.now());
    }

    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      try (ResultSet row =
          statement.executeQuery(
              "SELECT status, error, upstream_status, retry_after_ms, attempts FROM genie_results"
                  + " WHERE prompt_id = '"
                  + idsByStatus.get("failed")
                  + "'")) {
        assertThat(row.next()).isTrue();
        assertThat(row.getString(1)).isEqualTo("failed");
        assertThat(row.getString(2)).isEqualTo("the model's endpoint answered HTTP 429");
        assertThat(row.getInt(3)).isEqualTo(429);
        assertThat(row.getLong(4)).isEqualTo(7000);
        assertThat(row.getInt(5)).isEqualTo(2);
      }
      assertThat(
              database.number(
                  "SELECT count(*) FROM genie_results WHERE status <> 'failed'"
                      + " AND upstream_status IS NULL AND retry_after_ms IS NULL"))
          .isEqualTo(2);
      assertThatThrownBy(
              () ->
                  statement.executeUpdate(
                      "UPDATE genie_results SET upstream_status = 429 WHERE status = 'completed'"))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23514"));
    }
    System.out.println(
        "failure status upgrade: 3 results written under schema 5 (completed, pending, failed)"
            + " read as they were under schema "
            + CurrentSchema.latestVersion()
            + "; a failure recorded after keeps HTTP 429 and Retry-After 7 s");
  }

  /** A prompt and its result as version 5 wrote them: with a profile and a namespace. */
  private static String insertAsVersionFiveDid(Connection connection, String status)
      throws Exception {
    String profile = SampleGenerator.PROFILE.json();
    String profileId = Sha256.hex(profile);
    String text = "a prompt left " + status;
    try (PreparedStatement insert =
        connection.prepareStatement(
            "WITH p AS (INSERT INTO genie_prompts (id, prompt_key, normalized_text, raw_text,"
                + " normalizer_version, created_at, profile_id, profile, namespace)"
                + " VALUES (gen_random_uuid(), ?, ?, ?, 1, now(), ?, CAST(? AS json), 'default')"
                + " RETURNING id)"
                + " INSERT INTO genie_results (id, prompt_id, status, envelope, error, attempts,"
                + " lease_owner, lease_expires_at, fencing_token, created_at, updated_at,"
                + " completed_at)"
                + " SELECT gen_random_uuid(), p.id, ?, CAST(? AS json), ?, 1, ?, ?, 1, now(), now(),"
                + " CASE WHEN ? = 'completed' THEN now() END FROM p RETURNING prompt_id::text")) {
      insert.setString(1, Sha256.hex(profileId + "\n" + text));
      insert.setString(2, text);
      insert.setString(3, text);
      insert.setString(4, profileId);
      insert.setString(5, profile);
      insert.setString(6, status);
      insert.setString(7, "completed".equals(status) ? ENVELOPE : null);
      insert.setString(8, "failed".equals(status) ? "the generator failed" : null);
      insert.setString(9, "pending".equals(status) ? "old-owner" : null);
      insert.setObject(
          10,
          "pending".equals(status) ? java.time.OffsetDateTime.now().plusMinutes(5) : null,
          java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
      insert.setString(11, status);
      try (ResultSet row = insert.executeQuery()) {
        row.next();
        return row.getString(1);
      }
    }
  }
}
