package dev.genie.http.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The keys tables and the operators' documentation agree: every key is documented with the default
 * its table has, and every key documented is read. The model's keys are documented in model.md,
 * which configuration.md points to.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConfigurationDocsTest {
  private static final List<Path> DOCS =
      List.of(Path.of("..", "docs", "configuration.md"), Path.of("..", "docs", "model.md"));

  private static final Pattern QUOTED_KEY = Pattern.compile("`([A-Z][A-Z0-9_]+)`");
  private static final Pattern GENIE_KEY = Pattern.compile("\\bGENIE_[A-Z0-9_]*[A-Z0-9]\\b");

  /** A row of a key table in the documentation: its keys, and its default without backticks. */
  private record Row(List<String> keys, String documented) {}

  @Test
  void everyKeyInATableIsDocumentedWithItsDefault() throws IOException {
    List<Row> rows = rows();
    for (KeyTable<?> table : SettingNames.TABLES) {
      for (Key<?> key : table.keys()) {
        List<Row> documenting =
            rows.stream().filter(row -> row.keys().contains(key.name())).toList();
        assertThat(documenting).as(key.name() + " is documented").isNotEmpty();
        for (Row row : documenting) {
          assertThat(row.documented())
              .as("the documented default of " + key.name())
              .isEqualTo(key.documented());
          key.fallback()
              .ifPresent(
                  fallback ->
                      assertThat(row.keys()).as(key.name() + "'s fallback").contains(fallback));
        }
      }
    }
  }

  @Test
  void everyKeyDocumentedIsInATable() throws IOException {
    Set<String> read = new HashSet<>();
    for (KeyTable<?> table : SettingNames.TABLES) {
      for (Key<?> key : table.keys()) {
        read.add(key.name());
        key.fallback().ifPresent(read::add);
      }
    }
    Set<String> documented = new HashSet<>();
    rows().forEach(row -> documented.addAll(row.keys()));
    for (Path doc : DOCS) {
      Matcher key = GENIE_KEY.matcher(Files.readString(doc));
      while (key.find()) {
        documented.add(key.group());
      }
    }
    assertThat(read).containsAll(documented);
  }

  private static List<Row> rows() throws IOException {
    List<Row> rows = new ArrayList<>();
    for (Path doc : DOCS) {
      for (String line : Files.readAllLines(doc)) {
        if (!line.startsWith("| `")) {
          continue;
        }
        String[] cells = line.split("\\|");
        List<String> keys = new ArrayList<>();
        Matcher key = QUOTED_KEY.matcher(cells[1]);
        while (key.find()) {
          keys.add(key.group(1));
        }
        rows.add(new Row(keys, cells[2].replace("`", "").strip()));
      }
    }
    assertThat(rows).as("rows of key tables in " + DOCS).hasSizeGreaterThan(40);
    return rows;
  }
}
