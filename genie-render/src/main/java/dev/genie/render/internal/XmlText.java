package dev.genie.render.internal;

/**
 * Text as XML 1.0 can carry it: characters it cannot (C0 controls but tab, LF and CR; lone
 * surrogates; U+FFFE and U+FFFF) become U+FFFD, so that no model output can make the page
 * unparseable for the PDF renderer.
 */
final class XmlText {
  private static final char REPLACEMENT = '\uFFFD';

  private XmlText() {}

  static String clean(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean allowed;
      if (Character.isHighSurrogate(c)) {
        allowed = i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
        if (allowed) {
          if (out != null) {
            out.append(c).append(text.charAt(i + 1));
          }
          i++;
          continue;
        }
      } else {
        allowed =
            c == '\t'
                || c == '\n'
                || c == '\r'
                || (c >= 0x20 && c < 0xD800)
                || (c >= 0xE000 && c <= 0xFFFD);
      }
      if (!allowed && out == null) {
        out = new StringBuilder(text.length()).append(text, 0, i);
      }
      if (out != null) {
        out.append(allowed ? c : REPLACEMENT);
      }
    }
    return out == null ? text : out.toString();
  }
}
