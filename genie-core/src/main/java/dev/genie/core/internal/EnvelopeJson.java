package dev.genie.core.internal;

import dev.genie.core.generate.Block;
import dev.genie.core.generate.Generation;
import dev.genie.core.generate.Page;
import java.time.Instant;

/**
 * Writes the canonical envelope: fixed key order, no white space, so equal content is equal text.
 */
public final class EnvelopeJson {
  public static final int VERSION = 1;

  private EnvelopeJson() {}

  public static String write(Generation generation, Instant generatedAt) {
    StringBuilder out = new StringBuilder(256);
    out.append("{\"version\":").append(VERSION).append(",\"pages\":[");
    boolean firstPage = true;
    for (Page page : generation.pages()) {
      if (!firstPage) {
        out.append(',');
      }
      firstPage = false;
      out.append("{\"id\":");
      quote(out, page.id());
      out.append(",\"title\":");
      quote(out, page.title());
      out.append(",\"blocks\":[");
      boolean firstBlock = true;
      for (Block block : page.blocks()) {
        if (!firstBlock) {
          out.append(',');
        }
        firstBlock = false;
        out.append("{\"type\":");
        quote(out, block.type());
        out.append(",\"content\":");
        quote(out, block.content());
        out.append('}');
      }
      out.append("]}");
    }
    out.append("],\"metadata\":{\"model\":");
    quote(out, generation.model());
    out.append(",\"generatedAt\":");
    quote(out, generatedAt.toString());
    if (generation.finishReason() != null) {
      out.append(",\"finishReason\":");
      quote(out, generation.finishReason());
    }
    if (generation.usage() != null) { // last: Usage.inEnvelope reads it from the end
      out.append(",\"usage\":{\"promptTokens\":")
          .append(generation.usage().promptTokens())
          .append(",\"completionTokens\":")
          .append(generation.usage().completionTokens())
          .append('}');
    }
    return out.append("}}").toString();
  }

  /** A JSON string literal; controls and lone surrogates are escaped so the text stays valid. */
  public static void quote(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029 || isLoneSurrogate(text, i)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static boolean isLoneSurrogate(String text, int i) {
    char c = text.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
    }
    return false;
  }
}
