package dev.genie.generator.openai.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genie.core.generate.Block;
import dev.genie.core.generate.Page;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.langchain4j.model.output.FinishReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a model's reply into pages, and refuses one that is not pages: structured replies must
 * match {@link #PAGES_FORMAT}; plain text becomes one page, its first line the title and its
 * paragraphs the blocks.
 */
public final class Replies {
  /** The most pages an answer may have; more is not a document but a runaway. */
  static final int MAX_PAGES = 50;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** {"pages":[{"title":"…","paragraphs":["…"]}]}, every member required, nothing else. */
  public static final ResponseFormat PAGES_FORMAT =
      ResponseFormat.builder()
          .type(ResponseFormatType.JSON)
          .jsonSchema(
              JsonSchema.builder()
                  .name("genie_pages")
                  .rootElement(
                      JsonObjectSchema.builder()
                          .addProperty(
                              "pages",
                              JsonArraySchema.builder()
                                  .items(
                                      JsonObjectSchema.builder()
                                          .addStringProperty("title")
                                          .addProperty(
                                              "paragraphs",
                                              JsonArraySchema.builder()
                                                  .items(new JsonStringSchema())
                                                  .build())
                                          .required("title", "paragraphs")
                                          .additionalProperties(false)
                                          .build())
                                  .build())
                          .required("pages")
                          .additionalProperties(false)
                          .build())
                  .build())
          .build();

  /** What Genie adds to the system prompt in each mode; its wording is the template version. */
  public static final int TEMPLATE_VERSION = 1;

  public static final String STRUCTURED_INSTRUCTIONS =
      "Answer in JSON: an object whose \"pages\" array holds each page's \"title\" and its"
          + " \"paragraphs\".";
  public static final String TEXT_INSTRUCTIONS =
      "Begin with a one-line title; then write paragraphs separated by blank lines.";

  private Replies() {}

  public static List<Page> structured(String content) throws RejectedReplyException {
    JsonNode root;
    try {
      root = JSON.readTree(withoutCodeFence(nonBlank(content)));
    } catch (JsonProcessingException e) {
      throw new RejectedReplyException("the model's answer is not JSON: " + e.getOriginalMessage());
    }
    JsonNode pages = root == null ? null : root.get("pages");
    if (pages == null || !pages.isArray() || pages.isEmpty()) {
      throw new RejectedReplyException(
          "the model's answer has no \"pages\" array with pages in it");
    }
    if (pages.size() > MAX_PAGES) {
      throw new RejectedReplyException(
          "the model's answer has " + pages.size() + " pages; at most " + MAX_PAGES + " are kept");
    }
    List<Page> result = new ArrayList<>(pages.size());
    for (JsonNode page : pages) {
      JsonNode title = page.get("title");
      JsonNode paragraphs = page.get("paragraphs");
      int number = result.size() + 1;
      if (title == null || !title.isTextual() || title.asText().isBlank()) {
        throw new RejectedReplyException("page " + number + " of the model's answer has no title");
      }
      if (paragraphs == null || !paragraphs.isArray()) {
        throw new RejectedReplyException(
            "page " + number + " of the model's answer has no \"paragraphs\" array");
      }
      List<Block> blocks = new ArrayList<>();
      for (JsonNode paragraph : paragraphs) {
        if (!paragraph.isTextual()) {
          throw new RejectedReplyException(
              "page " + number + " of the model's answer has a paragraph that is not text");
        }
        if (!paragraph.asText().isBlank()) {
          blocks.add(Block.text(paragraph.asText().strip()));
        }
      }
      if (blocks.isEmpty()) {
        throw new RejectedReplyException("page " + number + " of the model's answer is empty");
      }
      result.add(new Page("p" + number, title.asText().strip(), blocks));
    }
    return result;
  }

  /** One page: the first line is the title (Markdown heading marks dropped), paragraphs blocks. */
  public static List<Page> text(String content) throws RejectedReplyException {
    String text = nonBlank(content).strip().replace("\r\n", "\n");
    int end = text.indexOf('\n');
    String title = (end < 0 ? text : text.substring(0, end)).replaceFirst("^#+\\s*", "").strip();
    List<Block> blocks = new ArrayList<>();
    if (end >= 0) {
      for (String paragraph : text.substring(end + 1).split("\n\\s*\n")) {
        if (!paragraph.isBlank()) {
          blocks.add(Block.text(paragraph.strip()));
        }
      }
    }
    if (blocks.isEmpty()) {
      blocks.add(Block.text(title));
    }
    return List.of(new Page("p1", title.isEmpty() ? "Untitled" : title, blocks));
  }

  /** Accepts an answer the model ended itself ({@code stop}, or no reason given). */
  public static void requireFinished(FinishReason finish) throws RejectedReplyException {
    if (finish == FinishReason.LENGTH) {
      throw new RejectedReplyException(
          "the model's answer was cut off at its output-token limit (finish_reason=length);"
              + " raise OpenAiSettings.maxOutputTokens");
    }
    if (finish == FinishReason.CONTENT_FILTER) {
      throw new RejectedReplyException(
          "the model refused to answer (finish_reason=content_filter)");
    }
    if (finish != null && finish != FinishReason.STOP) {
      throw new RejectedReplyException(
          "the model stopped before the end of its answer ("
              + finish.name().toLowerCase(Locale.ROOT)
              + ")");
    }
  }

  private static String nonBlank(String content) throws RejectedReplyException {
    if (content == null || content.isBlank()) {
      throw new RejectedReplyException("the model's answer is empty");
    }
    return content;
  }

  /** Some models wrap JSON in a Markdown code fence even when asked for JSON alone. */
  private static String withoutCodeFence(String content) {
    String text = content.strip();
    if (text.startsWith("```") && text.endsWith("```") && text.length() > 6) {
      int firstLine = text.indexOf('\n');
      return firstLine < 0 ? text : text.substring(firstLine + 1, text.length() - 3);
    }
    return text;
  }
}
