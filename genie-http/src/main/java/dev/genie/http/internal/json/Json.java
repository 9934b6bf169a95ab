package dev.genie.http.internal.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import dev.genie.core.ErrorCode;
import dev.genie.core.chat.ChatItem;
import dev.genie.core.chat.ChatRequest;
import dev.genie.generator.openai.OpenAiEndpoint;
import dev.genie.http.config.SettingNames;
import dev.genie.persistence.Prompt;
import dev.genie.persistence.PromptPage;
import dev.genie.persistence.Result;
import dev.genie.persistence.StoredPrompt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Genie's response bodies as bytes, written with Jackson's streaming generator: no object mapping,
 * and nothing sent from here. Messages that name a library setting name its environment key here
 * ({@link SettingNames}): callers set keys.
 */
public final class Json {
  /** Shared and thread-safe; request parsing refuses deep nesting and huge numbers early. */
  public static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(32)
                  .maxNumberLength(64)
                  .maxNameLength(1024)
                  .build())
          .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          // Characters beyond the BMP (emoji) as UTF-8, not as escaped surrogate pairs: the
          // prompt then reads as the envelope does, which the core writes the same way.
          .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
          .build();

  private Json() {}

  public static byte[] error(ErrorCode code, String message, String requestId) {
    return write(
        json -> {
          json.writeStartObject();
          json.writeObjectFieldStart("error");
          json.writeStringField("code", code.name());
          json.writeStringField("message", SettingNames.toKeys(message));
          json.writeStringField("requestId", requestId);
          json.writeEndObject();
          json.writeEndObject();
        });
  }

  /**
   * An error in OpenAI's shape, for the OpenAI-compatible surface: Genie's code, lower-cased as
   * OpenAI's codes are, in {@code code}.
   */
  public static byte[] openAiError(ErrorCode code, String type, String message) {
    return write(
        json -> {
          json.writeStartObject();
          json.writeObjectFieldStart("error");
          json.writeStringField("message", SettingNames.toKeys(message));
          json.writeStringField("type", type);
          json.writeNullField("param");
          json.writeStringField("code", code.name().toLowerCase(Locale.ROOT));
          json.writeEndObject();
          json.writeEndObject();
        });
  }

  public static byte[] prompt(StoredPrompt state) {
    return write(json -> writePrompt(json, state));
  }

  public static byte[] page(PromptPage page) {
    return write(
        json -> {
          json.writeStartObject();
          json.writeArrayFieldStart("items");
          for (StoredPrompt item : page.items()) {
            writePrompt(json, item);
          }
          json.writeEndArray();
          json.writeFieldName("next");
          if (page.next().isPresent()) {
            json.writeString(page.next().get().encode());
          } else {
            json.writeNull();
          }
          json.writeEndObject();
        });
  }

  /** Numbers among the details are written as JSON numbers, everything else as strings. */
  public static byte[] health(String status, String storage, Map<String, ?> details) {
    return write(
        json -> {
          json.writeStartObject();
          json.writeStringField("status", status);
          json.writeStringField("storage", storage);
          for (Map.Entry<String, ?> detail : details.entrySet()) {
            if (detail.getValue() instanceof Number number) {
              json.writeNumberField(detail.getKey(), number.longValue());
            } else {
              json.writeStringField(
                  detail.getKey(), SettingNames.toKeys(String.valueOf(detail.getValue())));
            }
          }
          json.writeEndObject();
        });
  }

  /**
   * A stored item: a prompt for pages ({@code "kind":"prompt"}), or a chat completion request
   * ({@code "kind":"chat.completion"}), shown by its last user message as {@code prompt}, the model
   * it asked for, and the completion as the endpoint sent it, where a prompt has its envelope.
   */
  private static void writePrompt(JsonGenerator json, StoredPrompt state) throws IOException {
    Prompt prompt = state.prompt();
    Result result = state.result();
    Optional<ChatItem> chat =
        ChatRequest.isChat(prompt) ? Optional.of(ChatItem.of(prompt)) : Optional.empty();
    json.writeStartObject();
    json.writeStringField("promptId", prompt.id());
    json.writeStringField("resultId", result.id());
    json.writeStringField("kind", chat.isPresent() ? ChatItem.KIND : "prompt");
    json.writeStringField("status", result.status().wireName());
    json.writeStringField("created", prompt.createdAt().toString());
    json.writeStringField("prompt", chat.map(ChatItem::title).orElse(prompt.rawText()));
    json.writeStringField("normalizedPrompt", prompt.normalizedText());
    if (chat.isPresent()) {
      json.writeStringField("model", chat.get().model());
    }
    json.writeFieldName("profile");
    PublicProfile.write(json, prompt); // its id and public settings: never the system prompt
    // Both as stored: canonical already, or the endpoint's completion as it came.
    json.writeFieldName("envelope");
    rawOrNull(json, chat.isPresent() ? null : result.envelope());
    if (chat.isPresent()) {
      json.writeFieldName("completion");
      rawOrNull(json, result.envelope());
    }
    if (result.error() != null) {
      json.writeStringField("error", SettingNames.toKeys(result.error()));
    }
    if (result.upstreamStatus() != 0) {
      json.writeNumberField("upstreamStatus", result.upstreamStatus());
    }
    json.writeEndObject();
  }

  private static void rawOrNull(JsonGenerator json, String raw) throws IOException {
    if (raw == null) {
      json.writeNull();
    } else {
      json.writeRawValue(raw);
    }
  }

  /**
   * A model list in OpenAI's shape, {@code {"object":"list","data":[{"id","object":"model",
   * "created","owned_by"}]}}.
   */
  public static byte[] models(List<OpenAiEndpoint.Model> models) {
    return write(
        json -> {
          json.writeStartObject();
          json.writeStringField("object", "list");
          json.writeArrayFieldStart("data");
          for (OpenAiEndpoint.Model model : models) {
            writeModel(json, model);
          }
          json.writeEndArray();
          json.writeEndObject();
        });
  }

  public static byte[] model(OpenAiEndpoint.Model model) {
    return write(json -> writeModel(json, model));
  }

  private static void writeModel(JsonGenerator json, OpenAiEndpoint.Model model)
      throws IOException {
    json.writeStartObject();
    json.writeStringField("id", model.id());
    json.writeStringField("object", "model");
    json.writeNumberField("created", model.created());
    json.writeStringField("owned_by", model.ownedBy());
    json.writeEndObject();
  }

  private interface Body {
    void write(JsonGenerator json) throws IOException;
  }

  private static byte[] write(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      body.write(json);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write a JSON body to memory; this is a bug", e);
    }
    return out.toByteArray();
  }
}
