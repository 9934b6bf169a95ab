package dev.genie.render;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;

/**
 * The file name a PDF is saved under, derived from the result's title: an ASCII name for every
 * client, and the title itself in UTF-8 for those that read RFC 6266's {@code filename*}. Neither
 * can hold a path separator, a quote, a control or a bidirectional override.
 */
public final class PdfFileName {
  private static final int MAX_ASCII_CHARS = 60;
  private static final int MAX_UNICODE_CODE_POINTS = 80;
  private static final String ATTR_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~";

  /** Greek, then Cyrillic letters, each written as the entry of {@link #IN_LATIN} at its index. */
  private static final String LETTERS =
      "αβγδεζηθικλμνξοπρσςτυφχψω" + "абвгдежзийклмнопрстуфхцчшщъыьэюяіїєґўђјљњћџѓќѕ";

  private static final String[] IN_LATIN = {
    "a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o", "p", "r", "s", "s",
    "t", "y", "f", "ch", "ps", "o", "a", "b", "v", "g", "d", "e", "zh", "z", "i", "i", "k", "l",
    "m", "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e",
    "yu", "ya", "i", "i", "ye", "g", "u", "dj", "j", "lj", "nj", "c", "dz", "gj", "kj", "dz"
  };

  private PdfFileName() {}

  /**
   * Letters and digits of the title without accents, Greek and Cyrillic written in Latin letters
   * (the scripts the PDF's font covers besides Latin), joined by dashes; never empty.
   */
  public static String ascii(ResultView view) {
    String plain =
        latin(
                Normalizer.normalize(view.title(), Normalizer.Form.NFKD)
                    .replaceAll("\\p{M}+", "")
                    .toLowerCase(Locale.ROOT))
            .replaceAll("[^a-z0-9]+", "-");
    plain = trimDashes(plain);
    if (plain.length() > MAX_ASCII_CHARS) {
      plain = trimDashes(plain.substring(0, MAX_ASCII_CHARS));
    }
    if (plain.isEmpty()) {
      plain = "genie-" + view.promptId().replaceAll("[^A-Za-z0-9]", "");
    }
    return plain + ".pdf";
  }

  /** The title with what a file name must not hold replaced by a space, shortened. */
  public static String unicode(ResultView view) {
    String name =
        view.title()
            .replaceAll("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}/\\\\:*?\"<>|]+", " ")
            .replaceAll("\\s+", " ")
            .strip();
    if (name.codePointCount(0, name.length()) > MAX_UNICODE_CODE_POINTS) {
      name = name.substring(0, name.offsetByCodePoints(0, MAX_UNICODE_CODE_POINTS)).strip();
    }
    return name.isEmpty() || name.startsWith(".") ? ascii(view) : name + ".pdf";
  }

  /** {@code attachment; filename="…"; filename*=UTF-8''…}. */
  public static String contentDisposition(ResultView view) {
    return "attachment; filename=\""
        + ascii(view)
        + "\"; filename*=UTF-8''"
        + percentEncode(unicode(view));
  }

  private static String percentEncode(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c < 0x80 && ATTR_CHARS.indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  /** {@code text} with its Greek and Cyrillic letters (lower case, unaccented) in Latin ones. */
  private static String latin(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            c -> {
              int at = LETTERS.indexOf(c);
              if (at < 0) {
                out.appendCodePoint(c);
              } else {
                out.append(IN_LATIN[at]);
              }
            });
    return out.toString();
  }

  private static String trimDashes(String text) {
    return text.replaceAll("^-+|-+$", "");
  }
}
