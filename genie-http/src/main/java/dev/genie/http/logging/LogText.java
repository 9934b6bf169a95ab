package dev.genie.http.logging;

/**
 * Makes a text safe inside one log line: a caller's text (a path, a header, a prompt named in an
 * error) must not start a line of its own, nor steer a terminal. CR, LF and tab become {@code \r},
 * {@code \n} and {@code \t}; every other C0 control, DEL, the C1 controls (NEL among them) and the
 * line and paragraph separators U+2028 and U+2029 become {@code \}{@code uXXXX}. Backslashes stay
 * as they are: the line can be mistaken for nothing it is not, only read less exactly.
 */
final class LogText {
  private LogText() {}

  static String escape(String text) {
    if (text == null) {
      return null;
    }
    int first = 0;
    while (first < text.length() && !escaped(text.charAt(first))) {
      first++;
    }
    if (first == text.length()) {
      return text;
    }
    StringBuilder safe = new StringBuilder(text.length() + 16).append(text, 0, first);
    for (int i = first; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\r' -> safe.append("\\r");
        case '\n' -> safe.append("\\n");
        case '\t' -> safe.append("\\t");
        default -> {
          if (escaped(c)) {
            safe.append(String.format("\\u%04X", (int) c));
          } else {
            safe.append(c);
          }
        }
      }
    }
    return safe.toString();
  }

  private static boolean escaped(char c) {
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029';
  }
}
