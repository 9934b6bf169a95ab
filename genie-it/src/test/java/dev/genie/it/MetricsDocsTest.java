package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.core.OrchestratorListener.GenerationOutcome;
import dev.genie.it.support.GuideExample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The operations guide's table of metrics names every outcome a generation can have. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MetricsDocsTest {
  @Test
  void everyGenerationOutcomeIsDocumented() throws Exception {
    String row =
        Files.readAllLines(
                GuideExample.projectRoot().resolve("docs/operations.md"), StandardCharsets.UTF_8)
            .stream()
            .filter(line -> line.startsWith("| `genie_generations_total{outcome}`"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no row for genie_generations_total"));

    for (GenerationOutcome outcome : GenerationOutcome.values()) {
      assertThat(row).contains("`" + outcome.name().toLowerCase(Locale.ROOT) + "`");
    }
  }
}
