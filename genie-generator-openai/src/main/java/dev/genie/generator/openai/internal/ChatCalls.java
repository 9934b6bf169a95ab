package dev.genie.generator.openai.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genie.core.generate.Usage;
import dev.genie.generator.openai.UpstreamCall;
import dev.langchain4j.model.output.FinishReason;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A chat call's request and completion, in OpenAI's wire format, read for a trace: only what the
 * GenAI conventions show of them, and nothing when they are not JSON objects.
 */
public final class ChatCalls {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ChatCalls() {}

  /** What a chat request asks for: its model, temperature and output-token limit. */
  public static UpstreamCall.Asked asked(String request, URI endpoint) {
    JsonNode root = read(request);
    JsonNode limit = root.path("max_completion_tokens");
    if (!limit.isIntegralNumber()) {
      limit = root.path("max_tokens");
    }
    return new UpstreamCall.Asked(
        root.path("model").isTextual() ? root.path("model").asText() : null,
        root.path("temperature").isNumber() ? root.path("temperature").asDouble() : null,
        limit.isIntegralNumber() ? limit.asLong() : null,
        endpoint);
  }

  /** What a completion says of itself: its id, its model and why each choice stopped. */
  public static UpstreamCall.Reply reply(String completion, Usage usage) {
    JsonNode root = read(completion);
    List<String> reasons = new ArrayList<>();
    for (JsonNode choice : root.path("choices")) {
      if (choice.path("finish_reason").isTextual()) {
        reasons.add(choice.path("finish_reason").asText());
      }
    }
    return new UpstreamCall.Reply(
        root.path("id").isTextual() ? root.path("id").asText() : null,
        root.path("model").isTextual() ? root.path("model").asText() : null,
        reasons,
        usage);
  }

  /** LangChain4j's finish reason as OpenAI's wire format names it. */
  public static String wireName(FinishReason finish) {
    return switch (finish) {
      case STOP -> "stop";
      case LENGTH -> "length";
      case TOOL_EXECUTION -> "tool_calls";
      case CONTENT_FILTER -> "content_filter";
      default -> finish.name().toLowerCase(Locale.ROOT);
    };
  }

  private static JsonNode read(String json) {
    try {
      JsonNode root = JSON.readTree(json);
      return root == null ? JSON.missingNode() : root;
    } catch (JsonProcessingException e) {
      return JSON.missingNode();
    }
  }
}
