package dev.genie.http.config;

import static dev.genie.persistence.Bounds.requireBetween;

/**
 * How many PDFs are rendered at once: rendering is CPU work, so a burst of exports waits in a
 * bounded queue and the rest are answered 503.
 *
 * @param pdfConcurrency PDFs rendered at once ({@code GENIE_PDF_CONCURRENCY})
 * @param pdfQueue exports waiting for a turn beyond those; more get 503 {@code OVERLOADED} ({@code
 *     GENIE_PDF_QUEUE})
 */
public record RenderSettings(int pdfConcurrency, int pdfQueue) {
  public RenderSettings {
    requireBetween("GENIE_PDF_CONCURRENCY", pdfConcurrency, 1, 256);
    requireBetween("GENIE_PDF_QUEUE", pdfQueue, 0, 10_000);
  }

  static RenderSettings from(Env env) {
    int cores = Runtime.getRuntime().availableProcessors();
    return new RenderSettings(
        env.integer("GENIE_PDF_CONCURRENCY", cores), env.integer("GENIE_PDF_QUEUE", 32));
  }
}
