package dev.genie.core.generate;

import java.util.List;
import java.util.Objects;

/** One page of an envelope. */
public record Page(String id, String title, List<Block> blocks) {
  public Page {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
    blocks = List.copyOf(blocks);
  }
}
