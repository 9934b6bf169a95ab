package dev.genie.core.chat;

import dev.genie.core.internal.CanonicalJson;
import dev.genie.persistence.Prompt;
import java.util.List;
import java.util.Map;

/**
 * A stored chat completion request as the API, the list and the web page show it: the model asked
 * for, and the last user message as its title.
 *
 * @param model the model the request asked for
 * @param title the text of the last user message; empty when it has none
 */
public record ChatItem(String model, String title) {
  /** The {@code kind} of a chat item; a prompt for pages is of kind {@code prompt}. */
  public static final String KIND = "chat.completion";

  /**
   * Reads a stored chat request, whose normalized text is its canonical JSON.
   *
   * @throws IllegalArgumentException when {@code prompt} is not a chat request
   */
  public static ChatItem of(Prompt prompt) {
    if (!ChatRequest.isChat(prompt)
        || !(CanonicalJson.parse(prompt.normalizedText()) instanceof Map<?, ?> request)) {
      throw new IllegalArgumentException("prompt " + prompt.id() + " is not a chat request");
    }
    String title = "";
    if (request.get("messages") instanceof List<?> messages) {
      for (Object message : messages) {
        if (message instanceof Map<?, ?> m && "user".equals(m.get("role"))) {
          title = text(m.get("content"));
        }
      }
    }
    return new ChatItem(request.get("model") instanceof String model ? model : "", title);
  }

  /** A message's content: a string, or the text parts of an array of parts, one per line. */
  private static String text(Object content) {
    if (content instanceof String text) {
      return text;
    }
    StringBuilder out = new StringBuilder();
    if (content instanceof List<?> parts) {
      for (Object part : parts) {
        if (part instanceof Map<?, ?> p && p.get("text") instanceof String text) {
          out.append(out.isEmpty() ? "" : "\n").append(text);
        }
      }
    }
    return out.toString();
  }
}
