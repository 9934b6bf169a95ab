import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The example with no SLF4J provider on the class path: SLF4J says so once, and the library
 * (Flyway included) prints nothing else. The test's database is made inside the capture: an
 * embedded PostgreSQL logs through SLF4J too, and SLF4J's notice comes with its first use.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WithoutBindingTest {
  @Test
  void printsOnlySlf4jsOwnNotice() throws Exception {
    ConsumerDatabase[] database = new ConsumerDatabase[1];
    Console run =
        Console.capture(
            () -> {
              database[0] = ConsumerDatabase.create();
              PoemService.main(new String[] {database[0].url()});
            });
    try (ConsumerDatabase created = database[0]) {
      assertTrue(run.envelope("CREATED").startsWith("{\"version\":1,"));
      assertEquals(1, run.out().size(), "only the answer on the standard output: " + run.out());
      List<String> err = run.err();
      assertFalse(err.isEmpty(), "SLF4J's notice that no provider was found");
      assertTrue(
          err.stream().allMatch(line -> line.startsWith("SLF4J(")),
          "lines besides SLF4J's own notice: " + err);
    }
  }
}
