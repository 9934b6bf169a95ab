package dev.genie.core.chat;

import dev.genie.core.generate.Usage;
import dev.genie.core.internal.CanonicalJson;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A chat completion as an OpenAI-compatible endpoint answered it ({@code "object":
 * "chat.completion"}), read back from the document Genie stores as it came: the one reader of that
 * format, for the generator that accepts it, the metrics that count its tokens and the views that
 * show it.
 *
 * @param model the model that answered, as the endpoint named it
 * @param created when the endpoint says it was created, or null
 * @param content the first choice's message text, or null (a tool call, a refusal)
 * @param finishReason why the first choice stopped, or null
 * @param usage the tokens the endpoint reported, or null
 */
public record ChatCompletion(
    String model, Instant created, String content, String finishReason, Usage usage) {

  /**
   * Reads a completion document.
   *
   * @throws IllegalArgumentException when it is not a JSON object with a {@code choices} array
   */
  public static ChatCompletion parse(String document) {
    if (!(CanonicalJson.parse(document) instanceof Map<?, ?> root)) {
      throw new IllegalArgumentException("a chat completion is a JSON object");
    }
    if (!(root.get("choices") instanceof List<?> choices)) {
      throw new IllegalArgumentException("a chat completion has a choices array");
    }
    Map<?, ?> first = choices.isEmpty() ? Map.of() : object(choices.get(0));
    Map<?, ?> message = object(first.get("message"));
    return new ChatCompletion(
        root.get("model") instanceof String model ? model : "",
        root.get("created") instanceof BigInteger seconds && seconds.bitLength() < 40
            ? Instant.ofEpochSecond(seconds.longValue())
            : null,
        message.get("content") instanceof String text ? text : null,
        first.get("finish_reason") instanceof String reason ? reason : null,
        usage(object(root.get("usage"))).orElse(null));
  }

  /** The usage a stored completion reports; empty for any document it cannot be read from. */
  public static Optional<Usage> usageOf(String document) {
    try {
      return Optional.ofNullable(parse(document).usage());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Optional<Usage> usage(Map<?, ?> usage) {
    if (usage.get("prompt_tokens") instanceof BigInteger in
        && usage.get("completion_tokens") instanceof BigInteger out
        && in.signum() >= 0
        && out.signum() >= 0
        && in.bitLength() < 63
        && out.bitLength() < 63) {
      return Optional.of(new Usage(in.longValue(), out.longValue()));
    }
    return Optional.empty();
  }

  private static Map<?, ?> object(Object value) {
    return value instanceof Map<?, ?> map ? map : Map.of();
  }
}
