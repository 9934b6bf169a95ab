package dev.genie.persistence.sql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.flywaydb.core.api.resource.LoadableResource;
import org.flywaydb.core.internal.resolver.ChecksumCalculator;
import org.flywaydb.core.internal.resource.classpath.ClassPathResource;
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
  void eachChecksumIsTheOneFlywayComputesForTheScriptAsShipped() {
    // Flyway's own calculation, so that an edited script, or a Flyway that computes otherwise,
    // fails here rather than sending every start through Flyway or past a changed migration.
    for (CurrentSchema.Migration migration : CurrentSchema.EXPECTED) {
      LoadableResource script =
          new ClassPathResource(
              null,
              CurrentSchema.FOLDER + "/" + migration.script(),
              getClass().getClassLoader(),
              StandardCharsets.UTF_8);
      assertThat(ChecksumCalculator.calculate(script))
          .as(migration.script())
          .isEqualTo(migration.checksum());
    }
  }
}
