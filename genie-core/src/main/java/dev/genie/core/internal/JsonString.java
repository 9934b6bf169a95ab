package dev.genie.core.internal;

/**
 * A JSON string literal as Genie's stored formats spell it (the envelope, the generation profile):
 * only quote, backslash, newline, carriage return and tab have short escapes; other controls, the
 * line and paragraph separators and lone surrogates are written {@code \}{@code u} with lower-case
 * hex, so that the text stays valid JSON and JavaScript; every other character is itself. Stored
 * texts and their hashes depend on this spelling, which Jackson's escapes cannot reproduce.
 */
public final class JsonString {
  private JsonString() {}

  /** {@code text} as a quoted literal. */
  public static String quoted(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2);
    quote(out, text);
    return out.toString();
  }

  /** Appends {@code text} as a quoted literal to {@code out}. */
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
