package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.http.GenieServer;
import dev.genie.it.support.Artifacts;
import dev.genie.it.support.Browser;
import dev.genie.it.support.CliRun;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.PostgresServer;
import dev.genie.it.support.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The web page and the preview in a real headless Chromium, against Genie on PostgreSQL: the page's
 * flows, and that no text from a user or a model ever runs as script.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BrowserIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension final Artifacts artifacts = new Artifacts();
  @RegisterExtension final GenieInstances genies = new GenieInstances();
  @RegisterExtension final Browser browser = new Browser();

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  /** A time as the page, the preview and the PDF write it. */
  private static final String TIME = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC";

  private TestDatabase database;

  @BeforeEach
  void database(PostgresServer postgres) throws Exception {
    database = postgres.freshDatabase();
    artifacts.serverLogs();
  }

  @Test
  void aPromptSentThroughThePageShowsItsAnswerAndTheSameIdWhenSentAgain() throws Exception {
    GenieServer genie = genies.sql(database, CountingGenerator.sample(Duration.ZERO), Map.of());
    WebDriver page = open(genie.uri());

    send(page, "Write a short poem about autumn");
    awaitText("answer-status", "completed");
    String id = text(page, "answer-id");
    GenieResponse stored = new GenieClient(genie.uri(), PATIENCE).get("/prompts/" + id);

    assertThat(text(page, "answer-http")).isEqualTo("201");
    assertThat(text(page, "answer-storage")).isEqualTo("sql");
    assertThat(text(page, "answer-pages"))
        .contains(stored.json().at("/envelope/pages/0/title").asText())
        .contains(stored.json().at("/envelope/pages/0/blocks/0/content").asText())
        .containsPattern("Written by genie-sample-1 at " + TIME);
    assertThat(text(page, "answer-cache")).isEqualTo("miss");

    send(page, "  Write a short poem  about autumn ");
    awaitText("answer-http", "200");

    assertThat(text(page, "answer-id")).isEqualTo(id);
    assertThat(text(page, "message")).contains("answered before");
    assertThat(database.number("SELECT count(*) FROM genie_prompts")).isEqualTo(1);
  }

  @Test
  void aPendingPromptTurnsCompletedOnThePage() throws Exception {
    CountingGenerator generator = CountingGenerator.gated();
    GenieServer genie = genies.sql(database, generator, Map.of("GENIE_WAIT_TIMEOUT_MS", "300"));
    WebDriver page = open(genie.uri());

    WebElement input = page.findElement(By.id("prompt"));
    input.sendKeys("a poem that takes its time");
    input.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER)); // the keyboard's way to send
    awaitText("answer-http", "202");
    assertThat(text(page, "answer-status")).isEqualTo("pending");
    assertThat(text(page, "answer-pages")).contains("Still being generated");

    generator.open();
    awaitText("answer-status", "completed");

    assertThat(text(page, "answer-pages")).contains("genie-sample-1");
    assertThat(text(page, "message")).isEqualTo("The answer is ready.");
    assertThat(text(page, "answer-http")).as("the status this page's request got").isEqualTo("202");
    assertThat(page.findElement(By.id("answer-cache")).isDisplayed())
        .as("no Genie-Cache of the read that followed the 202 (it said hit)")
        .isFalse();
    assertThat(generator.calls()).isEqualTo(1);
  }

  @Test
  void aFailedGenerationIsExplainedOnThePageAndInThePreviewAndHasNoPdf() throws Exception {
    GenieServer genie = genies.sql(database, CountingGenerator.failing(1), Map.of());
    WebDriver page = open(genie.uri());

    send(page, "a poem the model cannot write");
    awaitText("answer-status", "failed");

    assertThat(text(page, "message"))
        .startsWith("No answer could be written for this prompt this time. Sending it again tries")
        .containsPattern("\\(request [0-9a-f]+\\)$");
    assertThat(text(page, "answer-http")).as("the status this page's request got").isEqualTo("502");
    assertThat(page.findElement(By.tagName("main")).getText())
        .as("the operator's details stay out of the page")
        .doesNotContain("the model is down")
        .doesNotContain("GENERATION_FAILED");
    assertThat(page.findElement(By.id("answer-pdf")).isDisplayed()).isFalse();
    GenieResponse pdf =
        new GenieClient(genie.uri(), PATIENCE)
            .get("/prompts/" + text(page, "answer-id") + "/export.pdf");
    assertThat(pdf.status()).isEqualTo(409);
    assertThat(pdf.errorCode()).isEqualTo("NOT_READY");

    page.get(page.findElement(By.id("answer-preview")).getDomProperty("href"));
    browser.await("the preview", d -> !d.findElements(By.cssSelector(".notice.failed")).isEmpty());

    assertThat(page.findElement(By.cssSelector(".notice.failed")).getText())
        .contains("The generation failed", "the model is down");
  }

  @Test
  void recentPromptsNameTheModelThatWroteEachAndTheirTimeInUtc() throws Exception {
    GenieServer sample = genies.sql(database, CountingGenerator.sample(Duration.ZERO), Map.of());
    HostileGenerator other = new HostileGenerator();
    GenieServer hostile = genies.sql(database, other, Map.of());
    String text = "the same text under two models";
    assertThat(new GenieClient(sample.uri(), PATIENCE).post(text).status()).isEqualTo(201);
    assertThat(new GenieClient(hostile.uri(), PATIENCE).post(text).status()).isEqualTo(201);
    WebDriver page = open(sample.uri());

    assertThat(awaitList(page, 2)).containsExactly(text, text);
    List<String> meta =
        page.findElements(By.cssSelector("#recent li .meta")).stream()
            .map(e -> e.getDomProperty("textContent"))
            .toList();

    assertThat(meta.get(0)).containsPattern(TIME).contains(" · " + other.profile().model() + " · ");
    assertThat(meta.get(1)).containsPattern(TIME).contains(" · genie-sample-1 · ");
  }

  @Test
  void whileThePageWaitsForAKeyItSaysSoAndThenSends() throws Exception {
    GenieServer genie =
        genies.sql(database, CountingGenerator.sample(Duration.ZERO), Map.of("GENIE_AUTH", "keys"));
    String key = createKey("waiting");
    WebDriver page = browser.driver();
    page.get(genie.uri() + "/");
    browser.await("the key form", d -> d.findElement(By.id("key-section")).isDisplayed());
    enterKey(page, key);
    browser.await("the empty list", d -> d.findElement(By.id("recent-empty")).isDisplayed());
    // The key is revoked meanwhile, as the page sees it: the next call is refused.
    js(page).executeScript("sessionStorage.setItem('genie.key', 'genie_" + "B".repeat(43) + "')");

    send(page, "A poem sent before the key");
    browser.await("the key form", d -> d.findElement(By.id("key-section")).isDisplayed());
    String waiting = text(page, "message");
    enterKey(page, key);
    awaitText("answer-status", "completed");

    assertThat(waiting).isEqualTo("Waiting for a key: enter it above to go on.");
    assertThat(text(page, "message")).isEqualTo("Generated for you.");
    assertThat(text(page, "answer-http")).isEqualTo("201");
  }

  @Test
  void thePageFitsAPhoneSizedWindow() throws Exception {
    GenieServer genie = genies.sql(database, CountingGenerator.sample(Duration.ZERO), Map.of());
    WebDriver page = open(genie.uri());
    page.manage().window().setSize(new Dimension(390, 844));

    send(page, "A prompt with one very long word: " + "Donaudampfschifffahrt".repeat(6));
    awaitText("answer-status", "completed");
    awaitList(page, 1);
    long overflow =
        (Long)
            js(page)
                .executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth");

    assertThat(overflow)
        .as("pixels scrolled sideways on a 390 px wide window")
        .isLessThanOrEqualTo(0);
    assertThat(page.findElement(By.id("send")).getSize().getHeight()).isGreaterThanOrEqualTo(36);
  }

  @Test
  void theListOfRecentPromptsPagesForwardWithTheCursor() throws Exception {
    GenieServer genie = genies.sql(database, CountingGenerator.sample(Duration.ZERO), Map.of());
    GenieClient client = new GenieClient(genie.uri(), PATIENCE);
    for (int i = 0; i < 7; i++) {
      assertThat(client.post("listed prompt " + i).status()).isEqualTo(201);
    }
    WebDriver page = open(genie.uri());

    List<String> first = awaitList(page, 5);
    page.findElement(By.id("older")).click();
    List<String> second = awaitList(page, 2);
    boolean olderAtTheEnd = page.findElement(By.id("older")).isEnabled();
    page.findElement(By.id("newest")).click();
    List<String> again = awaitList(page, 5);

    assertThat(first)
        .containsExactly(
            "listed prompt 6",
            "listed prompt 5",
            "listed prompt 4",
            "listed prompt 3",
            "listed prompt 2");
    assertThat(second).containsExactly("listed prompt 1", "listed prompt 0");
    assertThat(olderAtTheEnd).as("Older enabled on the last page").isFalse();
    assertThat(again).isEqualTo(first);
  }

  @Test
  void thePreviewOpensAndThePdfDownloads() throws Exception {
    GenieServer genie = genies.sql(database, CountingGenerator.sample(Duration.ZERO), Map.of());
    WebDriver page = open(genie.uri());
    send(page, "Autumn poem for the PDF");
    awaitText("answer-status", "completed");
    String pageWindow = openPreview(page);
    String previewTitle = page.findElement(By.tagName("h1")).getText();
    long scripts = (Long) js(page).executeScript("return document.scripts.length");
    page.close();
    page.switchTo().window(pageWindow);

    Path downloads = browser.downloads();
    page.findElement(By.id("answer-pdf")).click();
    Path pdf =
        browser.await(
            "the PDF download", d -> downloaded(downloads, "Autumn poem for the PDF.pdf"));

    assertThat(previewTitle).isEqualTo("Autumn poem for the PDF");
    assertThat(scripts).isZero();
    assertThat(
            new String(Files.readAllBytes(pdf), 0, 5, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("%PDF-");
  }

  @Test
  void withKeysThePageAsksForAKeyOnceKeepsItInTheTabAndSendsItOnEveryCall() throws Exception {
    GenieServer genie =
        genies.sql(database, CountingGenerator.sample(Duration.ZERO), Map.of("GENIE_AUTH", "keys"));
    String key = createKey("browser");
    assertThat(new GenieClient(genie.uri(), PATIENCE, key).post("sent before the page").status())
        .isEqualTo(201);
    WebDriver page = browser.driver();
    page.get(genie.uri() + "/");
    browser.await("the key form", d -> d.findElement(By.id("key-section")).isDisplayed());

    enterKey(page, "genie_" + "A".repeat(43));
    browser.await(
        "the key form again, saying the key was refused",
        d ->
            d.findElement(By.id("key-section")).isDisplayed()
                && d.findElement(By.id("key-message")).getText().contains("refused"));
    enterKey(page, key);
    List<String> listed = awaitList(page, 1);
    send(page, "A poem behind a key");
    awaitText("answer-status", "completed");
    String answerHttp = text(page, "answer-http");
    awaitList(page, 2);

    assertThat(listed).containsExactly("sent before the page");
    assertThat(answerHttp).isEqualTo("201");
    assertThat(page.findElement(By.id("key-section")).isDisplayed()).isFalse();
    assertThat(js(page).executeScript("return sessionStorage.getItem('genie.key')")).isEqualTo(key);
    assertThat(js(page).executeScript("return localStorage.length")).isEqualTo(0L);

    String pageWindow = openPreview(page);
    String previewTitle = page.findElement(By.tagName("h1")).getText();
    String previewUrl = page.getCurrentUrl();
    page.close();
    page.switchTo().window(pageWindow);
    Path downloads = browser.downloads();
    page.findElement(By.id("answer-pdf")).click();
    Path pdf =
        browser.await("the PDF download", d -> downloaded(downloads, "A poem behind a key.pdf"));
    @SuppressWarnings("unchecked")
    List<String> requested =
        (List<String>)
            js(page)
                .executeScript(
                    "return performance.getEntriesByType('navigation')"
                        + ".concat(performance.getEntriesByType('resource')).map(e => e.name)");

    assertThat(previewTitle).isEqualTo("A poem behind a key");
    assertThat(previewUrl).startsWith("blob:").doesNotContain(key);
    assertThat(
            new String(Files.readAllBytes(pdf), 0, 5, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("%PDF-");
    assertThat(requested).isNotEmpty().noneMatch(url -> url.contains(key));
    assertThat(page.getCurrentUrl()).doesNotContain(key);
  }

  @Test
  void markupFromTheUserOrTheModelNeverRunsInThePageOrThePreview() throws Exception {
    GenieServer genie = genies.sql(database, new HostileGenerator(), Map.of());
    WebDriver page = open(genie.uri());
    String prompt =
        "<script>window.__pwned=10</script><img src=x onerror=\"window.__pwned=11\">"
            + "<a href=\"javascript:window.__pwned=12\">x</a>";

    send(page, prompt);
    awaitText("answer-status", "completed");
    awaitList(page, 1);
    afterEarlierMarkupHadItsChance(page, "main");

    assertThat(sentinel(page)).as("window.__pwned on the page").isEqualTo("undefined");
    assertThat(text(page, "answer-pages"))
        .contains(HostileGenerator.TITLE)
        .contains(HostileGenerator.BLOCKS.get(0))
        .contains(HostileGenerator.BLOCKS.get(1))
        .contains("javascript:window.__pwned=9")
        .contains(HostileGenerator.MODEL);
    assertThat(page.findElement(By.cssSelector("#recent li .text")).getDomProperty("textContent"))
        .isEqualTo(prompt);
    assertThat(page.findElements(By.cssSelector("main img, main iframe, main svg, main script")))
        .isEmpty();
    assertThat(page.findElements(By.cssSelector("a[href^='javascript']"))).isEmpty();

    page.get(page.findElement(By.id("answer-preview")).getDomProperty("href"));
    browser.await("the preview", d -> d.findElements(By.cssSelector("section.page")).size() == 2);
    afterEarlierMarkupHadItsChance(page, "body");

    assertThat(sentinel(page)).as("window.__pwned in the preview").isEqualTo("undefined");
    assertThat(page.findElement(By.tagName("h1")).getText()).isEqualTo(HostileGenerator.TITLE);
    assertThat(page.findElement(By.tagName("body")).getText())
        .contains(prompt, HostileGenerator.BLOCKS.get(3), HostileGenerator.MODEL);
    assertThat(page.findElements(By.cssSelector("script, img, iframe, svg, a"))).isEmpty();
  }

  @Test
  void thePackagedServerServesThePageOnPostgres(@TempDir Path workDir) throws Exception {
    try (GenieProcess genie =
        GenieProcess.start(
            workDir,
            Map.of(
                "DATABASE_URL", database.databaseUrl(),
                "GENIE_REQUIRE_DB", "1",
                "GENIE_PORT", Integer.toString(GenieProcess.freePort())))) {
      WebDriver page = open(URI.create(genie.awaitServing(Duration.ofSeconds(60))));

      send(page, "A poem from the packaged jar: Ελληνικά, русский");
      awaitText("answer-status", "completed");

      assertThat(text(page, "answer-http")).isEqualTo("201");
      assertThat(text(page, "answer-storage")).isEqualTo("sql");
      assertThat(awaitList(page, 1))
          .containsExactly("A poem from the packaged jar: Ελληνικά, русский");
      Path downloads = browser.downloads();
      page.findElement(By.id("answer-pdf")).click();
      Path pdf =
          browser.await(
              "the PDF download",
              d -> downloaded(downloads, "A poem from the packaged jar Ελληνικά, русский.pdf"));
      assertThat(Files.size(pdf)).isGreaterThan(1000);
    }
  }

  private WebDriver open(URI base) throws Exception {
    WebDriver page = browser.driver();
    page.get(base + "/");
    browser.await(
        "the page's first list of prompts",
        d ->
            d.findElement(By.id("recent-empty")).isDisplayed()
                || !d.findElements(By.cssSelector("#recent li")).isEmpty());
    return page;
  }

  /** Clicks the answer's preview and switches to the window it opened; returns the page's. */
  private String openPreview(WebDriver page) throws Exception {
    String pageWindow = page.getWindowHandle();
    page.findElement(By.id("answer-preview")).click();
    String previewWindow =
        browser.await(
            "the preview's window",
            d ->
                d.getWindowHandles().stream()
                    .filter(h -> !h.equals(pageWindow))
                    .findFirst()
                    .orElse(null));
    page.switchTo().window(previewWindow);
    browser.await("the preview", d -> d.findElements(By.cssSelector("section.page")).size() > 0);
    return pageWindow;
  }

  /** Creates a key with the jar's own {@code keys create}, run in-process, and returns it. */
  private String createKey(String name) {
    CliRun run =
        CliRun.of(Map.of("DATABASE_URL", database.databaseUrl()), "keys", "create", "--name", name);
    assertThat(run.status()).as("keys create: %s", run.err()).isZero();
    return run.lastLine();
  }

  private static void enterKey(WebDriver page, String key) {
    WebElement input = page.findElement(By.id("key"));
    input.clear();
    input.sendKeys(key);
    page.findElement(By.id("key-use")).click();
  }

  private void send(WebDriver page, String prompt) {
    WebElement input = page.findElement(By.id("prompt"));
    input.clear();
    input.sendKeys(prompt);
    page.findElement(By.id("send")).click();
  }

  private void awaitText(String id, String expected) throws Exception {
    browser.await(
        "#" + id + " to read '" + expected + "'",
        d -> expected.equals(d.findElement(By.id(id)).getText()));
  }

  private List<String> awaitList(WebDriver page, int items) throws Exception {
    browser.await(
        items + " recent prompts",
        d -> d.findElements(By.cssSelector("#recent li")).size() == items);
    return page.findElements(By.cssSelector("#recent li .text")).stream()
        .map(e -> e.getDomProperty("textContent"))
        .toList();
  }

  private static String text(WebDriver page, String id) {
    return page.findElement(By.id(id)).getText();
  }

  private static JavascriptExecutor js(WebDriver page) {
    return (JavascriptExecutor) page;
  }

  private static String sentinel(WebDriver page) {
    return (String)
        js(page)
            .executeScript(
                "return typeof window.__pwned + (window.__pwned === undefined ? '' : ':' + window.__pwned)");
  }

  /**
   * Waits until the page has had its chance to run markup already in {@code container}: a broken
   * image and an iframe appended after it, watched from this test's script (which no content policy
   * stops), have fired their {@code error} and {@code load} events, which come after those of the
   * images and frames before them. Then removes them again.
   */
  private void afterEarlierMarkupHadItsChance(WebDriver page, String container) throws IOException {
    js(page)
        .executeScript(
            "const where = document.querySelector(arguments[0]);"
                + " window.__canaries = 0;"
                + " const image = document.createElement('img');"
                + " image.addEventListener('error', () => window.__canaries++);"
                + " const frame = document.createElement('iframe');"
                + " frame.addEventListener('load', () => window.__canaries++);"
                + " image.src = 'x'; frame.srcdoc = '<p>canary</p>';"
                + " where.append(image, frame); window.__canaryNodes = [image, frame];",
            container);
    browser.await(
        "the canaries' events",
        d -> Long.valueOf(2).equals(js(d).executeScript("return window.__canaries")));
    js(page).executeScript("window.__canaryNodes.forEach(node => node.remove())");
  }

  private static Path downloaded(Path directory, String name) {
    Path file = directory.resolve(name);
    try (Stream<Path> files = Files.list(directory)) {
      boolean inProgress = files.anyMatch(f -> f.toString().endsWith(".crdownload"));
      return !inProgress && Files.isRegularFile(file) && Files.size(file) > 0 ? file : null;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
