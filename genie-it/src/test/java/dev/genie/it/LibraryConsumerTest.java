package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.it.support.GuideExample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The library consumer that the invoker plugin builds against the installed artifacts ({@code
 * src/it/library-consumer}) is the library guide's: its code, its dependencies and its logging
 * advice.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LibraryConsumerTest {
  static final Path CONSUMER = Path.of("src", "it", "library-consumer");
  private static final Pattern DEPENDENCY =
      Pattern.compile("<dependency>.*?</dependency>", Pattern.DOTALL);
  private static final String QUIET_FLYWAY = "<logger name=\"org.flywaydb\" level=\"WARN\"/>";

  @Test
  void itRunsTheGuidesExampleAsWritten() throws Exception {
    String example = GuideExample.under(LibraryExampleIT.HEADING).source();

    assertThat(read("src/main/java/PoemService.java")).isEqualTo(example);
  }

  @Test
  void itImportsTheBomAndDependsOnWhatTheGuideNames() throws Exception {
    String pom =
        oneLine(
            read("pom.xml")
                .replace("@project.version@", System.getProperty("genie.version"))
                .replace("@logback.version@", System.getProperty("logback.version")));
    List<String> dependencies = dependencies(GuideExample.block(LibraryExampleIT.HEADING, "xml"));

    assertThat(dependencies)
        .as("the guide's dependencies")
        .anySatisfy(d -> assertThat(d).contains("<artifactId>genie-bom</artifactId>"))
        .anySatisfy(d -> assertThat(d).contains("<artifactId>logback-classic</artifactId>"));
    for (String dependency : dependencies) {
      assertThat(pom).as("the consumer's pom").contains(dependency);
    }
  }

  @Test
  void itKeepsFlywayQuietAsTheGuideSays() throws Exception {
    String guide =
        Files.readString(
            GuideExample.projectRoot().resolve(GuideExample.GUIDE), StandardCharsets.UTF_8);

    assertThat(guide).contains("`" + QUIET_FLYWAY + "`");
    assertThat(read("src/main/resources/logback.xml")).contains(QUIET_FLYWAY);
  }

  private static List<String> dependencies(String xml) {
    List<String> found = new ArrayList<>();
    Matcher dependency = DEPENDENCY.matcher(xml);
    while (dependency.find()) {
      found.add(oneLine(dependency.group()));
    }
    return found;
  }

  private static String oneLine(String xml) {
    return xml.replaceAll(">\\s+<", "><").strip();
  }

  private static String read(String path) throws Exception {
    return Files.readString(CONSUMER.resolve(path), StandardCharsets.UTF_8);
  }
}
