import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.BasicConfigurator;
import ch.qos.logback.classic.LoggerContext;
import dev.genie.core.Answer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The guide's service where Logback found no logback.xml and logs everything at DEBUG, as it does
 * by default: neither the prompt nor any of the answer reaches the console. A library logs its
 * callers' data at no default.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LogbackDefaultsTest {
  private static final String PROMPT = "A poem about a lantern SENTINEL-7c1e";
  private static final Pattern CONTENT = Pattern.compile("\"content\":\"([^\"]+)\"");

  @Test
  void nothingOfThePromptOrTheAnswerIsLogged() throws Exception {
    LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    logback.reset();
    BasicConfigurator defaults = new BasicConfigurator();
    defaults.setContext(logback);
    defaults.configure(logback);

    try (ConsumerDatabase database = ConsumerDatabase.create()) {
      AtomicReference<Answer> answer = new AtomicReference<>();
      Console run = Console.capture(() -> answer.set(PoemService.ask(database.url(), PROMPT)));

      String envelope = answer.get().state().result().envelope();
      Matcher content = CONTENT.matcher(envelope);
      assertTrue(content.find(), envelope);
      List<String> console = new ArrayList<>(run.out());
      console.addAll(run.err());
      assertTrue(
          console.stream().anyMatch(line -> line.contains(" DEBUG ")),
          "Logback's defaults log at DEBUG: " + console);
      for (String data : List.of("SENTINEL-7c1e", content.group(1), "\"pages\":[")) {
        assertTrue(
            console.stream().noneMatch(line -> line.contains(data)),
            "'" + data + "' on the console: " + console);
      }
    }
  }
}
