package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.core.Answer;
import dev.genie.core.Orchestrator;
import dev.genie.it.support.GuideExample;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.PostgresServer;
import dev.genie.it.support.TestDatabase;
import dev.genie.persistence.PromptStore;
import dev.genie.persistence.sql.SqlPromptStore;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library guide's example (genie-core and the SQL store, no HTTP) compiles against those
 * modules alone and answers from a fresh PostgreSQL database, checked through plain JDBC.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LibraryExampleIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  static final String HEADING = "# Genie as a library";
  static final String PROMPT = "Write a short poem about autumn";

  @TempDir Path workDir;

  @Test
  void theGuidesExampleCompilesAndAnswersFromPostgres(PostgresServer postgres) throws Exception {
    TestDatabase database = postgres.freshDatabase();
    GuideExample example = GuideExample.under(HEADING);
    Class<?> compiled =
        example.compile(workDir, Orchestrator.class, SqlPromptStore.class, PromptStore.class);
    Method ask = compiled.getMethod("ask", String.class, String.class);

    Answer first = (Answer) ask.invoke(null, database.databaseUrl(), PROMPT);
    Answer again = (Answer) ask.invoke(null, database.databaseUrl(), "  " + PROMPT + "\n");

    assertThat(first.outcome()).isEqualTo(Answer.Outcome.CREATED);
    assertThat(again.outcome()).isEqualTo(Answer.Outcome.EXISTING);
    assertThat(again.state().prompt().id()).isEqualTo(first.state().prompt().id());
    assertThat(again.state().result().envelope()).isEqualTo(first.state().result().envelope());
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT p.id::text, p.normalized_text, r.status, r.envelope::text,"
                    + " (SELECT count(*) FROM genie_prompts) AS prompts"
                    + " FROM genie_prompts p JOIN genie_results r ON r.prompt_id = p.id")) {
      assertThat(rows.next()).as("a row").isTrue();
      assertThat(rows.getString(1)).isEqualTo(first.state().prompt().id());
      assertThat(rows.getString(2)).isEqualTo(PROMPT);
      assertThat(rows.getString(3)).isEqualTo("completed");
      assertThat(rows.getString(4)).isEqualTo(first.state().result().envelope());
      assertThat(rows.getLong(5)).isEqualTo(1);
      assertThat(rows.next()).as("one row only").isFalse();
    }
  }
}
