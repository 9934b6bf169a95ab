package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.it.support.GuideExample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The service that the invoker plugin builds against the installed artifacts ({@code
 * src/it/library-consumer/poem-service}) is the library guide's, file for file: its {@code
 * pom.xml}, its {@code logback.xml} and its code, as the guide shows them.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LibraryConsumerTest {
  static final Path SERVICE = Path.of("src", "it", "library-consumer", "poem-service");

  @Test
  void itsCodeIsTheGuides() throws Exception {
    assertThat(read("src/main/java/PoemService.java"))
        .isEqualTo(GuideExample.under(LibraryExampleIT.HEADING).source())
        .isEqualTo(guide("`src/main/java/PoemService.java`:", "java"));
  }

  @Test
  void itsPomIsTheGuidesAndNamesThisBuild() throws Exception {
    String pom = guide("`pom.xml`:", "xml");

    assertThat(read("pom.xml")).isEqualTo(pom);
    assertThat(pom)
        .contains(
            "<artifactId>genie-bom</artifactId>\n        <version>"
                + System.getProperty("genie.version")
                + "</version>")
        .contains(
            "<artifactId>logback-classic</artifactId>\n      <version>"
                + System.getProperty("logback.version")
                + "</version>");
  }

  @Test
  void itsLogbackXmlIsTheGuides() throws Exception {
    assertThat(read("src/main/resources/logback.xml"))
        .isEqualTo(guide("`src/main/resources/logback.xml`:", "xml"));
  }

  private static String guide(String file, String language) throws Exception {
    return GuideExample.block(GuideExample.GUIDE, file, language);
  }

  private static String read(String path) throws Exception {
    return Files.readString(SERVICE.resolve(path), StandardCharsets.UTF_8);
  }
}
