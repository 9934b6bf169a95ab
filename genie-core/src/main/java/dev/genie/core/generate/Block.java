package dev.genie.core.generate;

import java.util.Objects;

/** One block of a page; {@code type} is {@code "text"} for prose. */
public record Block(String type, String content) {
  public Block {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(content, "content");
  }

  public static Block text(String content) {
    return new Block("text", content);
  }
}
