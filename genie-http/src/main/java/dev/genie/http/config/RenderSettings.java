package dev.genie.http.config;

import static dev.genie.http.config.Parser.WHOLE_NUMBER;
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
  static final Key<Integer> PDF_CONCURRENCY =
      Key.described("GENIE_PDF_CONCURRENCY", "pdfConcurrency", WHOLE_NUMBER, "cores");
  static final Key<Integer> PDF_QUEUE = Key.of("GENIE_PDF_QUEUE", "pdfQueue", WHOLE_NUMBER, "32");

  static final KeyTable<Void> TABLE =
      KeyTable.<Void>of(RenderSettings.class).withKeys(PDF_CONCURRENCY, PDF_QUEUE);

  public RenderSettings {
    requireBetween(PDF_CONCURRENCY.name(), pdfConcurrency, 1, 256);
    requireBetween(PDF_QUEUE.name(), pdfQueue, 0, 10_000);
  }

  static RenderSettings from(Env env) {
    int cores = Runtime.getRuntime().availableProcessors();
    return new RenderSettings(PDF_CONCURRENCY.read(env).orElse(cores), PDF_QUEUE.value(env));
  }
}
