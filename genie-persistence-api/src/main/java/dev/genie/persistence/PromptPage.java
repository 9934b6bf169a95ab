package dev.genie.persistence;

import java.util.List;
import java.util.Optional;

/** One page of prompts, newest first, and the cursor of the next page if there is one. */
public record PromptPage(List<StoredPrompt> items, Optional<PageCursor> next) {
  public PromptPage {
    items = List.copyOf(items);
  }
}
