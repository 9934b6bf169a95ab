package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.genie.core.Normalizer;
import dev.genie.core.generate.GenerationProfile;
import dev.genie.core.generate.SampleGenerator;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.PostgresServer;
import dev.genie.it.support.SchemaVersions;
import dev.genie.it.support.Sha256;
import dev.genie.it.support.TestDatabase;
import dev.genie.persistence.Claim;
import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.StoredPrompt;
import dev.genie.persistence.sql.DatabaseUrl;
import dev.genie.persistence.sql.SqlPromptStore;
import dev.genie.persistence.sql.SqlStoreSettings;
import dev.genie.persistence.sql.internal.CurrentSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A database written by the schema before the key covered a generation profile (version 1), with
 * completed, pending and failed prompts in it, upgraded by this build: every old prompt is found by
 * its id, and by its text under the sample profile that wrote it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProfileUpgradeIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension final GenieInstances genies = new GenieInstances();

  private static final String ENVELOPE =
      "{\"version\":1,\"pages\":[{\"id\":\"p1\",\"title\":\"Old\",\"blocks\":[{\"type\":\"text\","
          + "\"content\":\"Written before profiles.\"}]}],\"metadata\":{\"model\":\"genie-sample-1\","
          + "\"generatedAt\":\"2026-01-01T00:00:00Z\"}}";

  /** Normalized text to the status its result is left in. */
  private static final Map<String, String> OLD_PROMPTS = new LinkedHashMap<>();

  static {
    OLD_PROMPTS.put("Write a short poem about the café in autumn", "completed");
    OLD_PROMPTS.put("Describe a lighthouse", "completed");
    OLD_PROMPTS.put("日本の秋について書いてください", "completed");
    OLD_PROMPTS.put("A prompt still pending", "pending");
    OLD_PROMPTS.put("A prompt that failed", "failed");
  }

  @Test
  void everyOldPromptIsFoundByIdAndByItsTextUnderTheSampleProfile(PostgresServer postgres)
      throws Exception {
    TestDatabase database = postgres.freshDatabase();
    Map<String, String> idsByText = new LinkedHashMap<>();
    try (HikariDataSource dataSource = SchemaVersions.dataSource(database)) {
      SchemaVersions.migrateTo(dataSource, "1");
      try (Connection connection = database.connect()) {
        for (Map.Entry<String, String> old : OLD_PROMPTS.entrySet()) {
          idsByText.put(old.getKey(), insertAsVersionOneDid(connection, old));
        }
      }
      assertThat(keys(database)).allSatisfy((id, key) -> assertThat(key).isIn(textHashes()));
    }

    SqlStoreSettings settings =
        SqlStoreSettings.builder(DatabaseUrl.parse(database.databaseUrl())).poolSize(2).build();
    try (SqlPromptStore store = SqlPromptStore.open(settings)) {
      assertThat(store.describe().get("schemaVersion"))
          .isEqualTo(Integer.valueOf(CurrentSchema.latestVersion()));
      Normalizer normalizer = new Normalizer(8000);
      LeaseTerms terms = new LeaseTerms("upgrade-test", Instant.now(), Duration.ofMinutes(1), 3);
      List<String> found = new ArrayList<>();
      for (Map.Entry<String, String> old : idsByText.entrySet()) {
        StoredPrompt byId = store.find(old.getValue()).orElseThrow();
        assertThat(byId.prompt().normalizedText()).isEqualTo(old.getKey());
        assertThat(byId.prompt().profile()).isEqualTo(SampleGenerator.PROFILE.json());
        assertThat(byId.prompt().namespace()).isEqualTo("default");
        assertThat(byId.result().status().name().toLowerCase())
            .isEqualTo(OLD_PROMPTS.get(old.getKey()));

        Claim byText =
            store.claim(normalizer.normalize(old.getKey(), SampleGenerator.PROFILE), terms);
        assertThat(byText.created()).as("found, not created: %s", old.getKey()).isFalse();
        assertThat(byText.state().prompt().id()).isEqualTo(old.getValue());
        found.add(old.getValue());
      }
      Claim otherModel =
          store.claim(
              normalizer.normalize(
                  "Describe a lighthouse",
                  GenerationProfile.of("openai", "gpt-4o-mini", "json_schema")),
              terms);
      assertThat(otherModel.created()).as("the same text under another profile").isTrue();
      System.out.println(
          "profile upgrade: "
              + idsByText.size()
              + " prompts written under schema 1, migrated to "
              + store.describe().get("schemaVersion")
              + ": "
              + found.size()
              + " found by id and by text under the sample profile; the same text under"
              + " another profile is a new prompt");
    }

    GenieClient client =
        new GenieClient(
            genies.sql(database, new SampleGenerator(Duration.ZERO), Map.of()).uri(),
            Duration.ofSeconds(30));
    String text = "Write a short poem about the café in autumn";
    GenieResponse response = client.post("  " + text + "\n");
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Genie-Cache")).isEqualTo("hit");
    assertThat(response.text("promptId")).isEqualTo(idsByText.get(text));
    assertThat(response.envelopeText()).isEqualTo(ENVELOPE);
    assertThat(response.json().at("/profile/generator").asText()).isEqualTo("sample");
  }

  /** The rows version 1 wrote: the key is the SHA-256 of the normalized text alone. */
  private static String insertAsVersionOneDid(Connection connection, Map.Entry<String, String> old)
      throws Exception {
    String status = old.getValue();
    try (PreparedStatement insert =
        connection.prepareStatement(
            "WITH p AS (INSERT INTO genie_prompts"
                + " (id, prompt_key, normalized_text, raw_text, normalizer_version, created_at)"
                + " VALUES (gen_random_uuid(), ?, ?, ?, 1, now()) RETURNING id)"
                + " INSERT INTO genie_results (id, prompt_id, status, envelope, error, attempts,"
                + " lease_owner, lease_expires_at, fencing_token, created_at, updated_at,"
                + " completed_at)"
                + " SELECT gen_random_uuid(), p.id, ?, CAST(? AS json), ?, 1, ?, ?, 1, now(), now(),"
                + " CASE WHEN ? = 'completed' THEN now() END FROM p RETURNING prompt_id::text")) {
      insert.setString(1, Sha256.hex(old.getKey()));
      insert.setString(2, old.getKey());
      insert.setString(3, " " + old.getKey());
      insert.setString(4, status);
      insert.setString(5, "completed".equals(status) ? ENVELOPE : null);
      insert.setString(6, "failed".equals(status) ? "the generator failed" : null);
      insert.setString(7, "pending".equals(status) ? "old-owner" : null);
      insert.setObject(
          8,
          "pending".equals(status) ? java.time.OffsetDateTime.now().plusMinutes(5) : null,
          java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
      insert.setString(9, status);
      try (ResultSet row = insert.executeQuery()) {
        row.next();
        return row.getString(1);
      }
    }
  }

  private static Map<String, String> keys(TestDatabase database) throws Exception {
    Map<String, String> keys = new LinkedHashMap<>();
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT id::text, prompt_key FROM genie_prompts")) {
      while (rows.next()) {
        keys.put(rows.getString(1), rows.getString(2));
      }
    }
    return keys;
  }

  private static List<String> textHashes() {
    List<String> hashes = new ArrayList<>();
    for (String text : OLD_PROMPTS.keySet()) {
      hashes.add(Sha256.hex(text));
    }
    return hashes;
  }
}
