package dev.genie.render;

import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder.FontStyle;
import com.openhtmltopdf.outputdevice.helper.ExternalResourceControlPriority;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import dev.genie.render.internal.Fonts;
import dev.genie.render.internal.SafeTemplates;
import dev.genie.render.internal.Slf4jXrLogger;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A result as a PDF, rendered in the JVM by openhtmltopdf from the same page as {@link
 * HtmlRenderer}, with DejaVu Sans and its bold face embedded. It loads nothing from outside: no
 * image, style or font that the page could name. CPU work: bound how many run at once. Thread-safe.
 */
public final class PdfRenderer {
  static {
    Slf4jXrLogger.install();
  }

  private final HtmlRenderer html = new HtmlRenderer();

  public byte[] render(ResultView view) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 * 1024);
    try {
      new PdfRendererBuilder()
          .useFastMode()
          .useFont(() -> new ByteArrayInputStream(Fonts.dejaVuSans()), Fonts.FAMILY)
          .useFont(
              () -> new ByteArrayInputStream(Fonts.dejaVuSansBold()),
              Fonts.FAMILY,
              Fonts.BOLD,
              FontStyle.NORMAL,
              true)
          // Tagged for screen readers (PDF/UA), which also keeps openhtmltopdf from setting up
          // the PDF standard fonts for every document: PDFBox looked for each on the system and
          // warned 'Using fallback font … for base font Symbol' where it found none.
          .usePdfUaAccessibility(true)
          .useExternalResourceAccessControl(
              (uri, type) -> false, ExternalResourceControlPriority.RUN_BEFORE_RESOLVING_URI)
          .withProducer("Genie")
          .withHtmlContent(html.render(view), null)
          .toStream(out)
          .run();
    } catch (IOException e) {
      throw new UncheckedIOException("could not render the PDF of result " + view.resultId(), e);
    }
    return out.toByteArray();
  }

  /**
   * The entity tag of a completed result's PDF: the result never changes, so its id and the
   * templates' version name the content. Weak, because two renderings differ in the PDF's own
   * creation time and document id.
   */
  public static String etag(ResultView view) {
    return "W/\"" + view.resultId() + "-t" + SafeTemplates.VERSION + "\"";
  }
}
