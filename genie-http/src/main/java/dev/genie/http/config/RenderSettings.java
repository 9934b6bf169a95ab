package dev.genie.http.config;

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
    if (pdfConcurrency < 1 || pdfConcurrency > 256) {
      throw new IllegalArgumentException(
          "GENIE_PDF_CONCURRENCY must be between 1 and 256: " + pdfConcurrency);
    }
    if (pdfQueue < 0 || pdfQueue > 10_000) {
      throw new IllegalArgumentException(
          "GENIE_PDF_QUEUE must be between 0 and 10000: " + pdfQueue);
    }
  }

  static RenderSettings from(Env env) {
    int cores = Runtime.getRuntime().availableProcessors();
    return new RenderSettings(
        env.integer("GENIE_PDF_CONCURRENCY", cores), env.integer("GENIE_PDF_QUEUE", 32));
  }
}
