package dev.genie.core.generate;

import java.util.List;
import java.util.Objects;

/** What a generator produced: the pages and the model that wrote them. */
public record Generation(String model, List<Page> pages) {
  public Generation {
    Objects.requireNonNull(model, "model");
    pages = List.copyOf(pages);
  }
}
