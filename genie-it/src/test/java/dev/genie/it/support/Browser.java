package dev.genie.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium driven through chromedriver, both Debian's ({@code /usr/bin/chromium}, {@code
 * /usr/bin/chromedriver}; {@code GENIE_IT_CHROMIUM} and {@code GENIE_IT_CHROMEDRIVER} name others).
 * Selenium is never let to download anything. Each test gets a fresh profile; after it, a
 * screenshot is saved under {@code <genie.it.artifacts>/browser/}, and on failure the browser's
 * console log and the page's source beside it. Register with {@code @RegisterExtension}.
 */
public final class Browser implements AfterTestExecutionCallback, AfterEachCallback {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private WebDriver driver;
  private Path profile;
  private Path downloads;

  /** The browser, started on first use. */
  public WebDriver driver() throws IOException {
    if (driver == null) {
      driver = start();
    }
    return driver;
  }

  /** Where downloads land. */
  public Path downloads() throws IOException {
    driver();
    return downloads;
  }

  /** Waits until {@code condition} holds (is true, or not null) and returns what it returned. */
  public <T> T await(String what, Function<WebDriver, T> condition) throws IOException {
    return new WebDriverWait(driver(), PATIENCE)
        .withMessage(() -> "waiting for " + what)
        .until(condition);
  }

  /** The directory screenshots are saved in. */
  public static Path screenshots() {
    return Artifacts.baseDirectory().resolve("browser").toAbsolutePath();
  }

  private WebDriver start() throws IOException {
    Path chromium = installed("GENIE_IT_CHROMIUM", "/usr/bin/chromium");
    Path chromedriver = installed("GENIE_IT_CHROMEDRIVER", "/usr/bin/chromedriver");
    profile = Files.createTempDirectory("genie-chromium-profile");
    downloads = Files.createTempDirectory("genie-chromium-downloads");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1200,1000",
        "--user-data-dir=" + profile);
    Map<String, Object> prefs = new HashMap<>();
    prefs.put("download.default_directory", downloads.toString());
    prefs.put("download.prompt_for_download", false);
    options.setExperimentalOption("prefs", prefs);
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(chromedriver.toFile())
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }

  /** The executable at the environment's path or the default; fails saying how to install it. */
  static Path installed(String variable, String fallback) {
    Path path = Path.of(Optional.ofNullable(System.getenv(variable)).orElse(fallback));
    if (!Files.isExecutable(path)) {
      throw new AssertionError(
          "the browser tests need Chromium and its chromedriver, and "
              + path
              + " is not there: install them with `apt-get install -y chromium chromium-driver`"
              + " (Debian; .ci/run does so when they are missing), or set "
              + variable
              + " to the executable");
    }
    return path;
  }

  @Override
  public void afterTestExecution(ExtensionContext context) throws Exception {
    if (driver == null) {
      return;
    }
    Path directory = screenshots();
    Files.createDirectories(directory);
    String name =
        context.getRequiredTestClass().getSimpleName()
            + "."
            + context.getRequiredTestMethod().getName();
    Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, directory.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    if (context.getExecutionException().isPresent()) {
      List<String> console =
          driver.manage().logs().get(LogType.BROWSER).getAll().stream()
              .map(LogEntry::toString)
              .toList();
      Files.write(directory.resolve(name + "-console.log"), console, StandardCharsets.UTF_8);
      Files.writeString(
          directory.resolve(name + "-page.html"), driver.getPageSource(), StandardCharsets.UTF_8);
      System.err.println(
          "[genie-it] " + name + " failed; the browser's evidence is in " + directory);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    if (driver != null) {
      driver.quit();
      driver = null;
    }
    if (profile != null) {
      Artifacts.deleteTree(profile);
      Artifacts.deleteTree(downloads);
    }
  }
}
