package dev.genie.it;

import dev.genie.core.generate.Block;
import dev.genie.core.generate.Generation;
import dev.genie.core.generate.Generator;
import dev.genie.core.generate.Page;
import java.util.List;

/**
 * A model that answers with markup meant to run: each attempt sets {@code window.__pwned} to its
 * own number, so a test can tell which one got through.
 */
final class HostileGenerator implements Generator {
  static final String MODEL = "<img src=x onerror=\"window.__pwned=1\">model";
  static final String TITLE = "<script>window.__pwned=2</script>Title";
  static final List<String> BLOCKS =
      List.of(
          "<img src=x onerror=\"window.__pwned=3\">",
          "<a href=\"javascript:window.__pwned=4\">click me</a>",
          "\"><svg onload=\"window.__pwned=5\"></svg>",
          "<iframe srcdoc=\"<script>parent.__pwned=6</script>\"></iframe>",
          "</style></title><script>window.__pwned=7</script>",
          "&lt;script&gt;window.__pwned=8&lt;/script&gt; \u202Eevil");

  @Override
  public String name() {
    return "hostile";
  }

  @Override
  public boolean blocks() {
    return false;
  }

  @Override
  public Generation generate(String normalizedPrompt) {
    return new Generation(
        MODEL,
        List.of(
            new Page("p1", TITLE, BLOCKS.stream().map(Block::text).toList()),
            new Page("<b>p2</b>", "javascript:window.__pwned=9", List.of(Block.text("tail")))));
  }
}
