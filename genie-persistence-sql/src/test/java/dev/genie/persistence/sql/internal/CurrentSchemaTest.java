package dev.genie.persistence.sql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CurrentSchemaTest {

  @Test
  void theListNamesEveryMigrationInTheFolderInOrder() throws Exception {
    URL folder = getClass().getClassLoader().getResource(CurrentSchema.FOLDER);
    try (Stream<Path> files = Files.list(Path.of(folder.toURI()))) {
      assertThat(
              files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".sql")).sorted())
          .containsExactlyElementsOf(CurrentSchema.MIGRATIONS);
    }
  }

  @Test
  void theChecksumIsFlywaysForTheScriptAsShipped() {
    // Flyway recorded this value for V1 when it applied it; CurrentSchemaIT checks it live.
    assertThat(CurrentSchema.checksum("V1__prompts_and_results.sql")).isEqualTo(1298474568);
  }
}
