package dev.genie.core.generate;

import java.util.List;
import java.util.Objects;

/**
 * What a generator produced: the pages, the model that wrote them, and, when the model reported
 * them, the tokens it used and why it stopped.
 *
 * @param usage the tokens the model reported, or null
 * @param finishReason why the model stopped, as the endpoint said it ({@code stop}), or null
 */
public record Generation(String model, List<Page> pages, Usage usage, String finishReason) {
  public Generation {
    Objects.requireNonNull(model, "model");
    pages = List.copyOf(pages);
  }

  public Generation(String model, List<Page> pages) {
    this(model, pages, null, null);
  }
}
