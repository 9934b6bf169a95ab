package dev.genie.render;

import static org.assertj.core.api.Assertions.assertThat;

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
  void aFiftyPageEnvelopeRendersOnePdfPageOrMorePerPage() throws Exception {
    byte[] pdf = renderer.render(Views.completed("fifty pages", Views.numbered(50, 4)));

    try (PDDocument document = Loader.loadPDF(pdf)) {
      assertThat(document.getNumberOfPages()).isGreaterThanOrEqualTo(50);
      String text = new PDFTextStripper().getText(document);
      assertThat(text).contains("Title of page 1", "page 25 block 4", "Title of page 50");
      assertThat(text.indexOf("page 49 block 4")).isLessThan(text.indexOf("page 50 block 1"));
    }
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

    assertThat(PdfRenderer.etag(view)).isEqualTo("W/\"r-0123456789-t1\"");
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
