package dev.genie.http.internal.prompts;

import dev.genie.core.GenieException;
import dev.genie.core.Orchestrator;
import dev.genie.http.config.RenderSettings;
import dev.genie.http.internal.auth.Caller;
import dev.genie.http.internal.errors.HttpErrorCode;
import dev.genie.http.internal.exchange.Responses;
import dev.genie.http.internal.metrics.ServerMeters;
import dev.genie.http.internal.web.SecurityHeaders;
import dev.genie.persistence.StoredPrompt;
import dev.genie.render.PdfFileName;
import dev.genie.render.PdfRenderer;
import dev.genie.render.ResultView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.Methods;

/**
 * {@code GET /prompts/{id}/export.pdf}: a completed result as a PDF download. A completed result
 * never changes, so its PDF is named by an {@code ETag} and a matching {@code If-None-Match} gets a
 * 304 without rendering; a pending or failed result has nothing to export yet (409). A rendered PDF
 * is kept ({@link PdfCache}, {@value #CACHE_BYTES} bytes at most), so that exporting it again costs
 * no rendering; {@code HEAD} gets the headers and renders nothing.
 */
public final class ExportHandler implements HttpHandler {
  /** Should a browser show the PDF inline, nothing in or beside it may load or run. */
  private static final String POLICY = "default-src 'none'; sandbox";

  /** What the kept PDFs may take: at some 30 KB a PDF, about a thousand. */
  static final long CACHE_BYTES = 32L * 1024 * 1024;

  private final Orchestrator orchestrator;
  private final PdfRenderer renderer = new PdfRenderer();
  private final RenderGate gate;
  private final PdfCache cache = new PdfCache(CACHE_BYTES);
  private final Counter renders;

  public ExportHandler(Orchestrator orchestrator, RenderSettings settings, MeterRegistry registry) {
    this.orchestrator = orchestrator;
    this.renders = ServerMeters.renders(registry, "pdf");
    this.gate =
        new RenderGate(
            settings.pdfConcurrency(),
            settings.pdfQueue(),
            "GENIE_PDF_CONCURRENCY="
                + settings.pdfConcurrency()
                + ", GENIE_PDF_QUEUE="
                + settings.pdfQueue());
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    StoredPrompt stored = PromptHandlers.existing(orchestrator, exchange);
    String id = stored.prompt().id();
    switch (stored.result().status()) {
      case PENDING ->
          throw new GenieException(
              HttpErrorCode.NOT_READY,
              "prompt "
                  + id
                  + " is still being generated; export it once GET /prompts/"
                  + id
                  + " says completed");
      case FAILED ->
          throw new GenieException(
              HttpErrorCode.NOT_READY,
              "the generation of prompt "
                  + id
                  + " failed, so there is nothing to export; the same"
                  + " prompt sent again tries again");
      case COMPLETED -> {}
    }
    ResultView view = ResultView.of(stored);
    String etag = PdfRenderer.etag(view);
    HeaderMap headers = exchange.getResponseHeaders();
    headers.put(Headers.ETAG, etag);
    headers.put(Headers.CACHE_CONTROL, "no-cache");
    SecurityHeaders.apply(exchange, POLICY);
    if (EntityTags.matches(exchange.getRequestHeaders().get(Headers.IF_NONE_MATCH), etag)) {
      exchange.setStatusCode(304);
      Responses.empty(exchange);
      return;
    }
    headers.put(Headers.CONTENT_DISPOSITION, PdfFileName.contentDisposition(view));
    if (exchange.getRequestMethod().equals(Methods.HEAD)) {
      headers.put(Headers.CONTENT_TYPE, "application/pdf");
      Responses.empty(exchange);
      return;
    }
    String namespace = Caller.of(exchange).namespace();
    byte[] pdf = cache.get(namespace, view.resultId());
    if (pdf == null) {
      pdf =
          gate.run(
              () -> {
                renders.increment();
                return renderer.render(view);
              });
      cache.put(namespace, view.resultId(), pdf);
    }
    Responses.send(exchange, "application/pdf", pdf);
  }
}
