import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The example with no SLF4J provider on the class path: SLF4J says so once, and the library
 * (Flyway included) prints nothing else.
 */
class WithoutBindingTest {
  @Test
  void printsOnlySlf4jsOwnNotice() throws Exception {
    try (ConsumerDatabase database = ConsumerDatabase.create()) {
      Console run = Console.capture(() -> PoemService.main(new String[] {database.url()}));

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
