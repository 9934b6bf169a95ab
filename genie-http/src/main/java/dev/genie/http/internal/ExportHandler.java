package dev.genie.http.internal;

import dev.genie.core.GenieException;
import dev.genie.core.Orchestrator;
import dev.genie.http.config.RenderSettings;
import dev.genie.persistence.StoredPrompt;
import dev.genie.render.PdfFileName;
import dev.genie.render.PdfRenderer;
import dev.genie.render.ResultView;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;

/**
 * {@code GET /prompts/{id}/export.pdf}: a completed result as a PDF download. A completed result
 * never changes, so its PDF is named by an {@code ETag} and a matching {@code If-None-Match} gets a
 * 304 without rendering; a pending or failed result has nothing to export yet (409).
 */
public final class ExportHandler implements HttpHandler {
  /** Should a browser show the PDF inline, nothing in or beside it may load or run. */
  private static final String POLICY = "default-src 'none'; sandbox";

  private final Orchestrator orchestrator;
  private final PdfRenderer renderer = new PdfRenderer();
  private final RenderGate gate;

  public ExportHandler(Orchestrator orchestrator, RenderSettings settings) {
    this.orchestrator = orchestrator;
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
    byte[] pdf = gate.run(() -> renderer.render(view));
    headers.put(Headers.CONTENT_DISPOSITION, PdfFileName.contentDisposition(view));
    Responses.send(exchange, "application/pdf", pdf);
  }
}
