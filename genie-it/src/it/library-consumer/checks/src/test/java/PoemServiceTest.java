import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The library guide's service (docs/library.md), built against the installed artifacts and run as
 * written, with the guide's logback.xml: it prints its answer, and nothing else reaches the console.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PoemServiceTest {
  @Test
  void answersFromItsDatabaseOnAQuietConsole() throws Exception {
    try (ConsumerDatabase database = ConsumerDatabase.create()) {
      Console first = Console.capture(() -> PoemService.main(new String[] {database.url()}));
      Console again = Console.capture(() -> PoemService.main(new String[] {database.url()}));

      String envelope = first.envelope("CREATED");
      assertTrue(envelope.startsWith("{\"version\":1,\"pages\":["), envelope);
      assertEquals(envelope, again.envelope("EXISTING"));
      assertEquals(List.of("CREATED " + envelope), first.out(), "only the answer");
      assertEquals(List.of("EXISTING " + envelope), again.out(), "only the answer");
      assertEquals(List.of(), first.err(), "SLF4J's or another library's warnings");
      try (Connection connection = database.connect();
          Statement statement = connection.createStatement();
          ResultSet rows =
              statement.executeQuery(
                  "SELECT r.status, r.envelope::text, (SELECT count(*) FROM genie_prompts)"
                      + " FROM genie_prompts p JOIN genie_results r ON r.prompt_id = p.id")) {
        assertTrue(rows.next(), "no prompt stored");
        assertEquals("completed", rows.getString(1));
        assertEquals(envelope, rows.getString(2));
        assertEquals(1, rows.getLong(3));
      }
    }
  }
}
