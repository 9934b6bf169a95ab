package dev.genie.core.envelope;

import dev.genie.core.generate.Generation;
import dev.genie.core.generate.Page;
import dev.genie.core.generate.Usage;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A completed result's canonical envelope: its pages in order, and its metadata: the model that
 * wrote them, when, and, when the model reported them, why it stopped and the tokens it used.
 * {@link EnvelopeCodec} writes it to the stored JSON and reads it back.
 *
 * @param finishReason why the model stopped, as the endpoint said it ({@code stop}), or null
 * @param usage the tokens the model reported, or null
 */
public record Envelope(
    List<Page> pages, String model, Instant generatedAt, String finishReason, Usage usage) {
  /** The envelope version this build writes and reads. */
  public static final int VERSION = 1;

  public Envelope {
    pages = List.copyOf(pages);
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(generatedAt, "generatedAt");
  }

  /** An envelope without a finish reason or usage. */
  public Envelope(List<Page> pages, String model, Instant generatedAt) {
    this(pages, model, generatedAt, null, null);
  }

  /** The envelope of {@code generation}'s pages, generated at {@code generatedAt}. */
  public static Envelope of(Generation generation, Instant generatedAt) {
    return new Envelope(
        generation.pages(),
        generation.model(),
        generatedAt,
        generation.finishReason(),
        generation.usage());
  }
}
