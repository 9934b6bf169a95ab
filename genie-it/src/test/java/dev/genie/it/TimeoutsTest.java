package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.it.support.GuideExample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every test class of every module has a {@code @Timeout}: a test that hangs fails with its name
 * instead of holding the build until the fork's own timeout ends it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TimeoutsTest {
  private static final Pattern TEST = Pattern.compile("@(Test|ParameterizedTest|RepeatedTest)\\b");

  @Test
  void everyTestClassHasATimeout() throws IOException {
    List<String> without;
    try (Stream<Path> files = Files.walk(GuideExample.projectRoot())) {
      without =
          files
              .filter(file -> file.toString().endsWith(".java"))
              .filter(file -> isTestSource(GuideExample.projectRoot().relativize(file)))
              .filter(file -> TEST.matcher(read(file)).find() && !read(file).contains("@Timeout("))
              .map(file -> GuideExample.projectRoot().relativize(file).toString())
              .sorted()
              .toList();
    }

    assertThat(without).as("test classes without @Timeout").isEmpty();
  }

  private static boolean isTestSource(Path relative) {
    String path = relative.toString().replace('\\', '/');
    return !path.contains("/target/") && (path.contains("/src/test/") || path.contains("/src/it/"));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
