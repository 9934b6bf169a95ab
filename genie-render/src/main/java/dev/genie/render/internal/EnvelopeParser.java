package dev.genie.render.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.genie.core.generate.Block;
import dev.genie.core.generate.Page;
import dev.genie.render.Envelope;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Reads the canonical envelope with Jackson's streaming parser; unknown members are skipped. */
public final class EnvelopeParser {
  /** The envelope version this build reads. */
  static final int VERSION = 1;

  private static final JsonFactory FACTORY = new JsonFactory();

  private EnvelopeParser() {}

  public static Envelope parse(String json) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      expect(parser.nextToken(), JsonToken.START_OBJECT, "the envelope");
      Integer version = null;
      List<Page> pages = null;
      String model = null;
      Instant generatedAt = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (name) {
          case "version" -> version = parser.getValueAsInt(-1);
          case "pages" -> pages = pages(parser, value);
          case "metadata" -> {
            expect(value, JsonToken.START_OBJECT, "metadata");
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
              String field = parser.currentName();
              parser.nextToken();
              switch (field) {
                case "model" -> model = parser.getValueAsString();
                case "generatedAt" -> generatedAt = instant(parser.getValueAsString());
                default -> parser.skipChildren();
              }
            }
          }
          default -> parser.skipChildren();
        }
      }
      if (version == null || version != VERSION) {
        throw new IllegalArgumentException(
            "the envelope's version is " + version + "; this build reads version " + VERSION);
      }
      if (pages == null || model == null || generatedAt == null) {
        throw new IllegalArgumentException(
            "the envelope lacks pages, metadata.model or metadata.generatedAt");
      }
      return new Envelope(pages, model, generatedAt);
    } catch (IOException e) {
      throw new IllegalArgumentException("the envelope is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static List<Page> pages(JsonParser parser, JsonToken start) throws IOException {
    expect(start, JsonToken.START_ARRAY, "pages");
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
