package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.TestDatabase;
import dev.genie.persistence.SchemaException;
import dev.genie.persistence.sql.DatabaseUrl;
import dev.genie.persistence.sql.MigrateMode;
import dev.genie.persistence.sql.SqlPromptStore;
import dev.genie.persistence.sql.SqlStoreSettings;
import dev.genie.persistence.sql.internal.CurrentSchema;
import dev.genie.persistence.sql.internal.Schema;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The start-up shortcut past Flyway recognizes exactly the schema Flyway wrote, and nothing else:
 * an edited migration still reaches Flyway, which refuses it. Migrating needs no more than a pool
 * of one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CurrentSchemaIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  @Test
  void aSchemaFlywayMigratedIsRecognizedAndAnEditedOneIsLeftToFlyway() throws Exception {
    TestDatabase database = POSTGRES.server().freshDatabase();
    SqlStoreSettings settings =
        SqlStoreSettings.builder(DatabaseUrl.parse(database.databaseUrl())).poolSize(2).build();
    try (HikariDataSource dataSource = new HikariDataSource()) {
      dataSource.setJdbcUrl(database.jdbcUrl());
      dataSource.setUsername(database.user());
      dataSource.setPassword(database.password());
      dataSource.setMaximumPoolSize(3);
      dataSource.setConnectionTimeout(5000);

      assertThat(CurrentSchema.version(dataSource, Schema.HISTORY_TABLE)).isEmpty();
      SqlPromptStore.open(settings).close(); // Flyway migrates the empty database
      assertThat(CurrentSchema.version(dataSource, Schema.HISTORY_TABLE))
          .contains(CurrentSchema.latestVersion());

      try (Connection connection = database.connect();
          Statement statement = connection.createStatement()) {
        statement.execute("UPDATE genie_schema_history SET checksum = checksum + 1");
      }
      assertThat(CurrentSchema.version(dataSource, Schema.HISTORY_TABLE)).isEmpty();
      assertThatThrownBy(() -> Schema.prepare(dataSource, MigrateMode.VALIDATE))
          .isInstanceOf(SchemaException.class)
          .hasMessageContaining("checksum");
    }
  }

  @Test
  void aPoolOfOneMigratesAFreshDatabase() {
    TestDatabase database = POSTGRES.server().freshDatabase();
    SqlStoreSettings settings =
        SqlStoreSettings.builder(DatabaseUrl.parse(database.databaseUrl())).poolSize(1).build();

    // Flyway holds a connection for its lock while it migrates on another: not from the pool.
    try (SqlPromptStore store = SqlPromptStore.open(settings)) {
      assertThat(store.describe())
          .containsEntry("schemaVersion", Integer.valueOf(CurrentSchema.latestVersion()))
          .containsEntry("poolSize", 1);
    }
  }
}
