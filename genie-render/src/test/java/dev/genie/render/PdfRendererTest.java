package dev.genie.render;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.genie.core.generate.Block;
import dev.genie.core.generate.Generation;
import dev.genie.core.generate.Page;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The PDF: rendered in the JVM with the embedded font, read back with PDFBox. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PdfRendererTest {
  private static final String GREEK_TITLE = "Φθινοπωρινό ποίημα";
  private static final String CYRILLIC = "Осенняя песня о ветре";
  private static final String LATIN = "Ein Gedicht über den Herbst, café crème";

  private final PdfRenderer renderer = new PdfRenderer();

  @Test
  void itsTextHoldsTheTitleAndGreekCyrillicAndLatinWords() throws Exception {
    Generation generation =
        new Generation(
            "test-model",
            List.of(new Page("p1", GREEK_TITLE, List.of(Block.text(CYRILLIC), Block.text(LATIN)))));

    byte[] pdf = renderer.render(Views.completed("A poem about autumn", generation));

    assertThat(new String(pdf, 0, 5, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("%PDF-");
    try (PDDocument document = Loader.loadPDF(pdf)) {
      String text = new PDFTextStripper().getText(document);
      assertThat(text).contains(GREEK_TITLE, CYRILLIC, LATIN, "A poem about autumn");
      assertThat(fontsOf(document)).allSatisfy(name -> assertThat(name).contains("DejaVuSans"));
    }
  }

  @Test
  void markupInTheTextIsPrintedAsText() throws Exception {
    String hostile = "<script>window.__pwned=1</script> <img src=x onerror=alert(1)>";

    byte[] pdf = renderer.render(Views.completed(hostile, Views.everywhere(hostile)));

    try (PDDocument document = Loader.loadPDF(pdf)) {
      assertThat(new PDFTextStripper().getText(document)).contains(hostile);
    }
  }

  @Test
  void aShortAnswerOfTwoPagesFitsOnOneSheet() throws Exception {
    byte[] pdf = renderer.render(Views.completed("a short answer", Views.numbered(2, 2)));

    try (PDDocument document = Loader.loadPDF(pdf)) {
      assertThat(document.getNumberOfPages()).isEqualTo(1);
      assertThat(new PDFTextStripper().getText(document))
          .contains("Title of page 1", "page 1 block 2", "Title of page 2", "page 2 block 2");
    }
  }

  @Test
  void aFiftyPageEnvelopeFlowsInOrderOverFewerSheets() throws Exception {
    byte[] pdf = renderer.render(Views.completed("fifty pages", Views.numbered(50, 4)));

    try (PDDocument document = Loader.loadPDF(pdf)) {
      assertThat(document.getNumberOfPages()).isBetween(2, 49);
      String text = new PDFTextStripper().getText(document);
      assertThat(text).contains("Title of page 1", "page 25 block 4", "Title of page 50");
      assertThat(text.indexOf("page 49 block 4")).isLessThan(text.indexOf("page 50 block 1"));
    }
  }

  @Test
  void headingsAreSetInTheEmbeddedBoldFace() throws Exception {
    byte[] pdf = renderer.render(Views.completed("bold headings", Views.numbered(2, 1)));

    try (PDDocument document = Loader.loadPDF(pdf)) {
      assertThat(fontsOf(document))
          .anySatisfy(name -> assertThat(name).endsWith("+DejaVuSans-Bold"))
          .anySatisfy(name -> assertThat(name).endsWith("+DejaVuSans"));
      assertThat(embedded(document)).as("every font is embedded").doesNotContain(false);
    }
  }

  @Test
  void theFooterBreaksNeitherTheResultIdNorTheTime() throws Exception {
    String resultId = "0f8e5a52-4c1b-4b7e-9a53-2d6f4f1a9c3e";
    ResultView view = Views.completed("footer", Views.numbered(1, 1));
    ResultView withUuid =
        new ResultView(
            "1b3c5e7a-9d2f-4e6b-8a1c-3e5f7a9b1d2c",
            resultId,
            view.status(),
            view.prompt(),
            view.created(),
            view.envelope(),
            view.error());

    try (PDDocument document = Loader.loadPDF(renderer.render(withUuid))) {
      // The footer is wider than the sheet: it wraps between words, never inside the two.
      assertThat(lines(document))
          .anySatisfy(line -> assertThat(line).startsWith("Rendered by Genie"))
          .anySatisfy(line -> assertThat(line).contains(resultId))
          .anySatisfy(line -> assertThat(line).contains("2026-11-29 10:15:30 UTC."));
    }
  }

  @Test
  void renderingLogsNoWarning() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    root.addAppender(events);
    try {
      renderer.render(Views.completed("a poem", Views.numbered(3, 2)));
      renderer.render(Views.failed("doomed", "model down"));
    } finally {
      root.detachAppender(events);
    }

    assertThat(events.list)
        .filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
        .extracting(ILoggingEvent::getFormattedMessage)
        .isEmpty();
  }

  @Test
  void charactersTheFontLacksPrintAsHashSigns() throws Exception {
    byte[] pdf = renderer.render(Views.completed("scripts", Views.everywhere("秋の詩 end")));

    try (PDDocument document = Loader.loadPDF(pdf)) {
      assertThat(new PDFTextStripper().getText(document)).contains("### end");
    }
  }

  @Test
  void pendingAndFailedResultsRenderTheirNotice() throws Exception {
    try (PDDocument failed =
        Loader.loadPDF(renderer.render(Views.failed("doomed", "model down")))) {
      assertThat(new PDFTextStripper().getText(failed)).contains("generation failed", "model down");
    }
  }

  @Test
  void theEntityTagNamesTheResultAndTheTemplateVersion() {
    ResultView view = Views.completed("tagged", Views.numbered(1, 1));

    assertThat(PdfRenderer.etag(view)).isEqualTo("W/\"r-0123456789-t2\"");
  }

  /** The text as it reads on the sheets: line by line, in the order of their positions. */
  private static List<String> lines(PDDocument document) throws Exception {
    PDFTextStripper stripper = new PDFTextStripper();
    stripper.setSortByPosition(true);
    return stripper.getText(document).lines().toList();
  }

  private static List<Boolean> embedded(PDDocument document) throws Exception {
    List<Boolean> embedded = new java.util.ArrayList<>();
    for (var page : document.getPages()) {
      for (var name : page.getResources().getFontNames()) {
        embedded.add(page.getResources().getFont(name).isEmbedded());
      }
    }
    return embedded;
  }

  private static List<String> fontsOf(PDDocument document) throws Exception {
    List<String> names = new java.util.ArrayList<>();
    for (var page : document.getPages()) {
      for (var name : page.getResources().getFontNames()) {
        PDFont font = page.getResources().getFont(name);
        names.add(font.getName());
      }
    }
    assertThat(names).isNotEmpty();
    return names;
  }
}
