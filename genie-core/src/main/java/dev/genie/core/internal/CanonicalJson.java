package dev.genie.core.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * JSON in the canonical form of RFC 8785 (JCS): object members sorted by the UTF-16 code units of
 * their names, no insignificant white space, strings escaped as ECMAScript's {@code JSON.stringify}
 * does, numbers written as ECMAScript writes a double. Two texts that differ only in member order,
 * spacing, escapes or the spelling of a number ({@code 1}, {@code 1.0}, {@code 1e0}) have one form.
 *
 * <p>One departure, so that no two distinct values share a form: an integer written without
 * fraction or exponent and beyond ±2<sup>53</sup> (a {@code seed}, say) keeps all its digits
 * instead of being rounded to the nearest double.
 */
public final class CanonicalJson {

  /** The deepest nesting read, as the HTTP layer allows for any body. */
  public static final int MAX_DEPTH = 32;

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
          .build();

  private static final BigInteger LARGEST_EXACT = BigInteger.TWO.pow(53);

  private CanonicalJson() {}

  /** JSON's {@code null} in what {@link #parse} returns (a map holds no null value). */
  public static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  /**
   * Reads one JSON value as a tree: objects as maps sorted by member name, arrays as lists,
   * strings, integers as {@link BigInteger}, other numbers as {@link Double}, booleans, and {@link
   * #NULL}.
   *
   * @throws IllegalArgumentException with what is wrong, when {@code text} is not one JSON value,
   *     repeats a member name, holds a lone surrogate or a number beyond a double's range
   */
  public static Object parse(String text) {
    try (JsonParser parser = JSON.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new IllegalArgumentException("the body is empty");
      }
      Object value = read(parser, first);
      if (parser.nextToken() != null) {
        throw new IllegalArgumentException("the body holds more than one JSON value");
      }
      return value;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("reading a string cannot fail; this is a bug", e);
    }
  }

  /** {@code value}, as {@link #parse} returns it, in canonical form. */
  public static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  /** The canonical form of the object {@code members}, leaving out those named in {@code left}. */
  public static String writeWithout(Map<String, Object> members, Set<String> left) {
    TreeMap<String, Object> kept = new TreeMap<>(members);
    kept.keySet().removeAll(left);
    return write(kept);
  }

  private static Object read(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case START_OBJECT -> {
        // String's natural order is the order of UTF-16 code units, as RFC 8785 sorts.
        TreeMap<String, Object> members = new TreeMap<>();
        for (JsonToken next = parser.nextToken();
            next != JsonToken.END_OBJECT;
            next = parser.nextToken()) {
          String name = text(parser.currentName());
          members.put(name, read(parser, parser.nextToken()));
        }
        yield members;
      }
      case START_ARRAY -> {
        List<Object> items = new ArrayList<>();
        for (JsonToken next = parser.nextToken();
            next != JsonToken.END_ARRAY;
            next = parser.nextToken()) {
          items.add(read(parser, next));
        }
        yield items;
      }
      case VALUE_STRING -> text(parser.getText());
      case VALUE_NUMBER_INT -> parser.getBigIntegerValue();
      case VALUE_NUMBER_FLOAT -> finite(parser.getDoubleValue(), parser.getText());
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> NULL;
      default -> throw new IllegalArgumentException("unexpected " + token);
    };
  }

  private static Double finite(double value, String written) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("the number " + written + " is beyond a double's range");
    }
    return value;
  }

  private static String text(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException("a string holds a lone surrogate");
      }
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static void write(Object value, StringBuilder out) {
    if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, Object> member : new TreeMap<>((Map<String, Object>) map).entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string(member.getKey(), out);
        out.append(':');
        write(member.getValue(), out);
      }
      out.append('}');
    } else if (value instanceof List<?> items) {
      out.append('[');
      for (int i = 0; i < items.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        write(items.get(i), out);
      }
      out.append(']');
    } else if (value instanceof String text) {
      string(text, out);
    } else if (value instanceof BigInteger integer) {
      out.append(
          integer.abs().compareTo(LARGEST_EXACT) > 0
              ? integer.toString()
              : ecmaScript(integer.doubleValue()));
    } else if (value instanceof Double number) {
      out.append(ecmaScript(number));
    } else if (value instanceof Boolean bool) {
      out.append(bool);
    } else if (value == NULL) {
      out.append("null");
    } else {
      throw new IllegalArgumentException("not a parsed JSON value: " + value);
    }
  }

  private static void string(String text, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /**
   * A finite double as ECMAScript's {@code Number.prototype.toString} writes it: the fewest
   * significant digits that read back as the same double (the nearer, then the even, of two), then
   * plain notation for decimal exponents from -6 to 20 and scientific notation beyond.
   */
  static String ecmaScript(double value) {
    if (value == 0) {
      return "0"; // negative zero too
    }
    if (value < 0) {
      return "-" + ecmaScript(-value);
    }
    BigDecimal exact = new BigDecimal(value);
    BigDecimal shortest = shortest(exact, value);
    String digits = shortest.unscaledValue().toString();
    int k = digits.length();
    int n = k - shortest.scale(); // value = 0.digits × 10^n
    if (k <= n && n <= 21) {
      return digits + "0".repeat(n - k);
    }
    if (0 < n && n <= 21) {
      return digits.substring(0, n) + "." + digits.substring(n);
    }
    if (-6 < n && n <= 0) {
      return "0." + "0".repeat(-n) + digits;
    }
    String exponent = (n - 1 < 0 ? "-" : "+") + Math.abs(n - 1);
    String mantissa = k == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return mantissa + "e" + exponent;
  }

  /** The decimal of fewest digits that reads back as {@code value}, without trailing zeros. */
  private static BigDecimal shortest(BigDecimal exact, double value) {
    for (int precision = 1; precision <= 17; precision++) {
      MathContext down = new MathContext(precision, RoundingMode.FLOOR);
      MathContext up = new MathContext(precision, RoundingMode.CEILING);
      BigDecimal below = exact.round(down);
      BigDecimal above = exact.round(up);
      boolean belowReads = below.doubleValue() == value;
      boolean aboveReads = above.doubleValue() == value;
      if (belowReads && aboveReads) {
        return nearer(exact, below, above).stripTrailingZeros();
      }
      if (belowReads) {
        return below.stripTrailingZeros();
      }
      if (aboveReads) {
        return above.stripTrailingZeros();
      }
    }
    throw new IllegalStateException("17 digits always read back as the double; this is a bug");
  }

  private static BigDecimal nearer(BigDecimal exact, BigDecimal below, BigDecimal above) {
    int order = exact.subtract(below).compareTo(above.subtract(exact));
    if (order != 0) {
      return order < 0 ? below : above;
    }
    return below.unscaledValue().testBit(0) ? above : below;
  }
}
