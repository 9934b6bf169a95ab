package dev.genie.render;

import dev.genie.core.generate.Page;
import dev.genie.render.internal.EnvelopeParser;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A completed result's canonical envelope, read back: its pages in order, the model that wrote them
 * and when.
 */
public record Envelope(List<Page> pages, String model, Instant generatedAt) {
  public Envelope {
    pages = List.copyOf(pages);
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(generatedAt, "generatedAt");
  }

  /**
   * Reads the envelope JSON that Genie stores ({@code {"version":1,"pages":[…],"metadata":{…}}}).
   *
   * @throws IllegalArgumentException when the text is not an envelope of a version this build reads
   */
  public static Envelope parse(String json) {
    return EnvelopeParser.parse(json);
  }
}
