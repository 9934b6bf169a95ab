package dev.genie.core.envelope;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.genie.core.generate.Block;
import dev.genie.core.generate.Page;
import dev.genie.core.generate.Usage;
import dev.genie.core.internal.JsonString;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one owner of the stored envelope's JSON, {@code
 * {"version":1,"pages":[{"id","title","blocks":[{"type","content"}]}],"metadata":{"model",
 * "generatedAt","finishReason"?,"usage"?:{"promptTokens","completionTokens"}}}}.
 *
 * <p>What it writes is canonical, since stored results, their hashes and ETags depend on the exact
 * text: members in that fixed order, absent optional ones left out, no white space, and strings
 * spelled by {@link JsonString}. What it reads is lenient: unknown members are skipped, so that an
 * envelope with more in it still reads.
 */
public final class EnvelopeCodec {
  private static final JsonFactory JSON = new JsonFactory();

  private EnvelopeCodec() {}

  /** The canonical text of {@code envelope}: equal envelopes are equal text. */
  public static String write(Envelope envelope) {
    StringWriter text = new StringWriter(256);
    try (JsonGenerator out = JSON.createGenerator(text)) {
      out.writeStartObject();
      out.writeNumberField("version", Envelope.VERSION);
      out.writeArrayFieldStart("pages");
      for (Page page : envelope.pages()) {
        out.writeStartObject();
        string(out, "id", page.id());
        string(out, "title", page.title());
        out.writeArrayFieldStart("blocks");
        for (Block block : page.blocks()) {
          out.writeStartObject();
          string(out, "type", block.type());
          string(out, "content", block.content());
          out.writeEndObject();
        }
        out.writeEndArray();
        out.writeEndObject();
      }
      out.writeEndArray();
      out.writeObjectFieldStart("metadata");
      string(out, "model", envelope.model());
      string(out, "generatedAt", envelope.generatedAt().toString());
      if (envelope.finishReason() != null) {
        string(out, "finishReason", envelope.finishReason());
      }
      if (envelope.usage() != null) {
        out.writeObjectFieldStart("usage");
        out.writeNumberField("promptTokens", envelope.usage().promptTokens());
        out.writeNumberField("completionTokens", envelope.usage().completionTokens());
        out.writeEndObject();
      }
      out.writeEndObject();
      out.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a string cannot fail; this is a bug", e);
    }
    return text.toString();
  }

  /**
   * Reads a stored envelope.
   *
   * @throws IllegalArgumentException when the text is not an envelope of a version this build reads
   */
  public static Envelope read(String json) {
    return read(json, true);
  }

  /**
   * The usage a stored envelope records, read without keeping its pages (every answer from the
   * cache asks); empty when it records none or cannot be read.
   */
  public static Optional<Usage> usageOf(String json) {
    if (json == null) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(read(json, false).usage());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static void string(JsonGenerator out, String name, String value) throws IOException {
    out.writeFieldName(name);
    out.writeRawValue(JsonString.quoted(value));
  }

  private static Envelope read(String json, boolean withPages) {
    try (JsonParser parser = JSON.createParser(json)) {
      expect(parser.nextToken(), JsonToken.START_OBJECT, "the envelope");
      Integer version = null;
      List<Page> pages = null;
      Metadata metadata = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (name) {
          case "version" -> version = parser.getValueAsInt(-1);
          case "pages" -> pages = pages(parser, value, withPages);
          case "metadata" -> metadata = metadata(parser, value);
          default -> parser.skipChildren();
        }
      }
      if (version == null || version != Envelope.VERSION) {
        throw new IllegalArgumentException(
            "the envelope's version is "
                + version
                + "; this build reads version "
                + Envelope.VERSION);
      }
      if (pages == null
          || metadata == null
          || metadata.model() == null
          || metadata.generatedAt() == null) {
        throw new IllegalArgumentException(
            "the envelope lacks pages, metadata.model or metadata.generatedAt");
      }
      return new Envelope(
          pages,
          metadata.model(),
          metadata.generatedAt(),
          metadata.finishReason(),
          metadata.usage());
    } catch (IOException e) {
      throw new IllegalArgumentException("the envelope is not valid JSON: " + e.getMessage(), e);
    }
  }

  /** The metadata's members as read: any of them null when absent. */
  private record Metadata(String model, Instant generatedAt, String finishReason, Usage usage) {}

  private static Metadata metadata(JsonParser parser, JsonToken start) throws IOException {
    expect(start, JsonToken.START_OBJECT, "metadata");
    String model = null;
    Instant generatedAt = null;
    String finishReason = null;
    Usage usage = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (field) {
        case "model" -> model = parser.getValueAsString();
        case "generatedAt" -> generatedAt = instant(parser.getValueAsString());
        case "finishReason" -> finishReason = parser.getValueAsString();
        case "usage" -> usage = usage(parser, value);
        default -> {}
      }
      parser.skipChildren();
    }
    return new Metadata(model, generatedAt, finishReason, usage);
  }

  /** Both token counts when they are there and can be counts, else null. */
  private static Usage usage(JsonParser parser, JsonToken start) throws IOException {
    if (start != JsonToken.START_OBJECT) {
      return null;
    }
    long promptTokens = -1;
    long completionTokens = -1;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      long count = parser.nextToken() == JsonToken.VALUE_NUMBER_INT ? count(parser) : -1;
      switch (field) {
        case "promptTokens" -> promptTokens = count;
        case "completionTokens" -> completionTokens = count;
        default -> {}
      }
      parser.skipChildren();
    }
    return promptTokens < 0 || completionTokens < 0
        ? null
        : new Usage(promptTokens, completionTokens);
  }

  private static long count(JsonParser parser) throws IOException {
    return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? -1 : parser.getLongValue();
  }

  private static List<Page> pages(JsonParser parser, JsonToken start, boolean keep)
      throws IOException {
    expect(start, JsonToken.START_ARRAY, "pages");
    if (!keep) {
      parser.skipChildren();
      return List.of();
    }
    List<Page> pages = new ArrayList<>();
    while (parser.nextToken() == JsonToken.START_OBJECT) {
      String id = "";
      String title = "";
      List<Block> blocks = new ArrayList<>();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (name) {
          case "id" -> id = text(parser);
          case "title" -> title = text(parser);
          case "blocks" -> {
            expect(value, JsonToken.START_ARRAY, "blocks");
            while (parser.nextToken() == JsonToken.START_OBJECT) {
              blocks.add(block(parser));
            }
          }
          default -> parser.skipChildren();
        }
      }
      pages.add(new Page(id, title, blocks));
    }
    return pages;
  }

  private static Block block(JsonParser parser) throws IOException {
    String type = "text";
    String content = "";
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      switch (name) {
        case "type" -> type = text(parser);
        case "content" -> content = text(parser);
        default -> parser.skipChildren();
      }
    }
    return new Block(type, content);
  }

  private static String text(JsonParser parser) throws IOException {
    String text = parser.getValueAsString();
    return text == null ? "" : text;
  }

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException | NullPointerException e) {
      throw new IllegalArgumentException("metadata.generatedAt is not an instant: " + text, e);
    }
  }

  private static void expect(JsonToken actual, JsonToken expected, String what) {
    if (actual != expected) {
      throw new IllegalArgumentException(what + " should start with " + expected + ": " + actual);
    }
  }
}
