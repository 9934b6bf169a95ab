package dev.genie.core.generate;

import java.util.List;
import java.util.Objects;

/**
 * What a generator produced: the pages, the model that wrote them, and, when the model reported
 * them, the tokens it used and why it stopped. A generator whose answer is already a document to
 * keep as it is (a chat completion, exactly as the endpoint sent it) gives that {@code document}
 * instead of pages; it is stored and answered byte for byte.
 *
 * @param usage the tokens the model reported, or null
 * @param finishReason why the model stopped, as the endpoint said it ({@code stop}), or null
 * @param document the stored document itself, or null to store the pages as an envelope
 */
public record Generation(
    String model, List<Page> pages, Usage usage, String finishReason, String document) {
  public Generation {
    Objects.requireNonNull(model, "model");
    pages = List.copyOf(pages);
    if (document != null && !pages.isEmpty()) {
      throw new IllegalArgumentException("a generation has pages or a document, not both");
    }
  }

  public Generation(String model, List<Page> pages, Usage usage, String finishReason) {
    this(model, pages, usage, finishReason, null);
  }

  public Generation(String model, List<Page> pages) {
    this(model, pages, null, null, null);
  }

  /** A document to store as it is, with what the model reported of it. */
  public static Generation document(
      String model, String document, Usage usage, String finishReason) {
    return new Generation(
        model, List.of(), usage, finishReason, Objects.requireNonNull(document, "document"));
  }
}
