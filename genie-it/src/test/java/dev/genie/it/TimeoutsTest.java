package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.it.support.GuideExample;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every test class of every module has a {@code @Timeout}, and every module a default for the
 * methods without one (lifecycle methods among them): a test that hangs fails with its name instead
 * of holding the build until the fork's own timeout ends it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TimeoutsTest {
  private static final Pattern TEST = Pattern.compile("@(Test|ParameterizedTest|RepeatedTest)\\b");
  private static final String PROPERTIES = "src/test/resources/junit-platform.properties";
  private static final String DEFAULT_TIMEOUT = "junit.jupiter.execution.timeout.default";

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

  @Test
  void everyModuleWithTestsHasADefaultTimeout() throws IOException {
    List<String> without = new ArrayList<>();
    try (DirectoryStream<Path> modules = Files.newDirectoryStream(GuideExample.projectRoot())) {
      for (Path module : modules) {
        if (Files.isDirectory(module.resolve("src/test/java"))
            && !hasDefaultTimeout(module.resolve(PROPERTIES))) {
          without.add(module.getFileName() + "/" + PROPERTIES);
        }
      }
    }

    assertThat(without).as("modules without " + DEFAULT_TIMEOUT).isEmpty();
  }

  private static boolean hasDefaultTimeout(Path file) {
    if (!Files.isRegularFile(file)) {
      return false;
    }
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return !properties.getProperty(DEFAULT_TIMEOUT, "").isBlank();
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
