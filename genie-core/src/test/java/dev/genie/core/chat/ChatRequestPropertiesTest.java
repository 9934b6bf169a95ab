package dev.genie.core.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** However a request is ordered, spaced and escaped, it has one key. */
class ChatRequestPropertiesTest {

  @Property(tries = 300)
  void reorderedAndRespacedJsonHasTheSameKey(
      @ForAll("requests") Map<String, Object> request, @ForAll long seed) {
    String plain = Json.write(request, new Random(0), false);
    String scrambled = Json.write(request, new Random(seed), true);

    assertThat(ChatRequest.parse("default", scrambled).key())
        .isEqualTo(ChatRequest.parse("default", plain).key());
  }

  @Provide
  Arbitrary<Map<String, Object>> requests() {
    Arbitrary<Object> value = values(3);
    return Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8), value)
        .ofMaxSize(6)
        .map(
            extra -> {
              Map<String, Object> request = new LinkedHashMap<>(extra);
              request.put("model", "gpt-4o-mini");
              request.put(
                  "messages",
                  List.of(Map.of("role", "user", "content", "Write \"a\" haiku\n\u00e9\u20ac")));
              return request;
            });
  }

  private static Arbitrary<Object> values(int depth) {
    Arbitrary<Object> leaves =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(12).map(text -> (Object) text),
            Arbitraries.integers().between(-1_000_000, 1_000_000).map(number -> (Object) number),
            Arbitraries.doubles()
                .between(-1e6, 1e6)
                .ofScale(3)
                .map(number -> (Object) number.doubleValue()),
            Arbitraries.of(true, false).map(bool -> (Object) bool),
            Arbitraries.just(null));
    if (depth == 0) {
      return leaves;
    }
    Arbitrary<Object> inner = values(depth - 1);
    return Arbitraries.frequencyOf(
        Tuple.of(4, leaves),
        Tuple.of(1, inner.list().ofMaxSize(4).map(list -> (Object) list)),
        Tuple.of(
            1,
            Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(5), inner)
                .ofMaxSize(4)
                .map(map -> (Object) map)));
  }

  /** A JSON writer that may shuffle members, add white space and spell things another way. */
  private static final class Json {
    static String write(Object value, Random random, boolean scramble) {
      StringBuilder out = new StringBuilder();
      new Json(random, scramble).value(value, out);
      return out.toString();
    }

    private final Random random;
    private final boolean scramble;

    private Json(Random random, boolean scramble) {
      this.random = random;
      this.scramble = scramble;
    }

    private void space(StringBuilder out) {
      for (int i = scramble ? random.nextInt(4) : 0; i > 0; i--) {
        out.append(" \t\n\r".charAt(random.nextInt(4)));
      }
    }

    @SuppressWarnings("unchecked")
    private void value(Object value, StringBuilder out) {
      space(out);
      if (value instanceof Map<?, ?> map) {
        List<Map.Entry<String, Object>> members =
            new ArrayList<>(((Map<String, Object>) map).entrySet());
        if (scramble) {
          Collections.shuffle(members, random);
        }
        out.append('{');
        for (int i = 0; i < members.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          space(out);
          string(members.get(i).getKey(), out);
          space(out);
          out.append(':');
          value(members.get(i).getValue(), out);
        }
        space(out);
        out.append('}');
      } else if (value instanceof List<?> list) {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          value(list.get(i), out);
        }
        space(out);
        out.append(']');
      } else if (value instanceof String text) {
        string(text, out);
      } else if (value instanceof Integer number) {
        out.append(scramble && random.nextBoolean() ? number + ".0" : number.toString());
      } else if (value instanceof Double number) {
        out.append(scramble && random.nextBoolean() ? exponent(number) : number.toString());
      } else {
        out.append(value); // booleans and null
      }
      space(out);
    }

    /** The same double in scientific notation: 18 significant digits read back as it. */
    private static String exponent(double number) {
      return String.format(Locale.ROOT, "%.17e", number);
    }

    private void string(String text, StringBuilder out) {
      out.append('"');
      for (char c : text.toCharArray()) {
        if (c == '"' || c == '\\' || c < 0x20 || (scramble && random.nextInt(4) == 0)) {
          out.append(String.format("\\u%04x", (int) c));
        } else if (scramble && c == '/' && random.nextBoolean()) {
          out.append("\\/");
        } else {
          out.append(c);
        }
      }
      out.append('"');
    }
  }
}
