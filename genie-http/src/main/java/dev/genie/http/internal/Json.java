package dev.genie.http.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import dev.genie.core.ErrorCode;
import dev.genie.http.config.SettingNames;
import dev.genie.persistence.PromptPage;
import dev.genie.persistence.Result;
import dev.genie.persistence.StoredPrompt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Genie's response bodies as bytes, written with Jackson's streaming generator: no object mapping,
 * and nothing sent from here. Messages that name a library setting name its environment key here
 * ({@link SettingNames}): callers set keys.
 */
public final class Json {
  /** Shared and thread-safe; request parsing refuses deep nesting and huge numbers early. */
  static final JsonFactory FACTORY =
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

  private static void writePrompt(JsonGenerator json, StoredPrompt state) throws IOException {
    Result result = state.result();
    json.writeStartObject();
    json.writeStringField("promptId", state.prompt().id());
    json.writeStringField("resultId", result.id());
    json.writeStringField("status", result.status().wireName());
    json.writeStringField("created", state.prompt().createdAt().toString());
    json.writeStringField("prompt", state.prompt().rawText());
    json.writeStringField("normalizedPrompt", state.prompt().normalizedText());
    json.writeFieldName("profile");
    json.writeRawValue(state.prompt().profile()); // canonical JSON, as stored
    json.writeFieldName("envelope");
    if (result.envelope() == null) {
      json.writeNull();
    } else {
      json.writeRawValue(result.envelope()); // canonical already: callers get the stored bytes
    }
    if (result.error() != null) {
      json.writeStringField("error", SettingNames.toKeys(result.error()));
    }
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
