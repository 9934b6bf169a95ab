package dev.genie.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CanonicalJsonTest {

  /** RFC 8785, appendix B: IEEE 754 doubles and their canonical form. */
  @ParameterizedTest
  @CsvSource({
    "0000000000000000, 0",
    "8000000000000000, 0",
    "0000000000000001, 5e-324",
    "8000000000000001, -5e-324",
    "7fefffffffffffff, 1.7976931348623157e+308",
    "ffefffffffffffff, -1.7976931348623157e+308",
    "4340000000000000, 9007199254740992",
    "c340000000000000, -9007199254740992",
    "4430000000000000, 295147905179352830000",
    "44b52d02c7e14af5, 9.999999999999997e+22",
    "44b52d02c7e14af6, 1e+23",
    "44b52d02c7e14af7, 1.0000000000000001e+23",
    "444b1ae4d6e2ef4e, 999999999999999700000",
    "444b1ae4d6e2ef4f, 999999999999999900000",
    "444b1ae4d6e2ef50, 1e+21",
    "3eb0c6f7a0b5ed8c, 9.999999999999997e-7",
    "3eb0c6f7a0b5ed8d, 0.000001",
    "41b3de4355555553, 333333333.3333332",
    "41b3de4355555554, 333333333.33333325",
    "41b3de4355555555, 333333333.3333333",
    "41b3de4355555556, 333333333.3333334",
    "41b3de4355555557, 333333333.33333343",
    "becbf647612f3696, -0.0000033333333333333333",
    "43143ff3c1cb0959, 1424953923781206.2"
  })
  void writesDoublesAsRfc8785Does(String bits, String canonical) {
    double value = Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16));
    assertThat(CanonicalJson.ecmaScript(value)).isEqualTo(canonical);
  }

  @Test
  void writesRfc8785sExampleObject() {
    String input =
        """
        {
          "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
          "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
          "literals": [null, true, false]
        }
        """;

    assertThat(CanonicalJson.write(CanonicalJson.parse(input)))
        .isEqualTo(
            "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                + "\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
  }

  @Test
  void sortsMembersByUtf16CodeUnitsAtEveryDepth() {
    // RFC 8785 section 3.2.3: sorted by UTF-16 code units, so U+1F600 (a surrogate pair, D83D)
    // comes before U+FB33 and after U+00E9.
    String input = "{\"\\ufb33\":1,\"\\ud83d\\ude00\":2,\"\\u00e9\":{\"b\":1,\"a\":2},\"1\":3}";

    assertThat(CanonicalJson.write(CanonicalJson.parse(input)))
        .isEqualTo("{\"1\":3,\"\u00e9\":{\"a\":2,\"b\":1},\"\ud83d\ude00\":2,\"\ufb33\":1}");
  }

  @Test
  void oneNumberHasOneFormHoweverItIsSpelled() {
    assertThat(CanonicalJson.write(CanonicalJson.parse("[1, 1.0, 1e0, 10E-1, -0, 0.0]")))
        .isEqualTo("[1,1,1,1,0,0]");
  }

  @Test
  void anIntegerBeyondTwoToThe53KeepsEveryDigit() {
    // As doubles both would be 9007199254740992: two seeds must not become one.
    assertThat(CanonicalJson.write(CanonicalJson.parse("[9007199254740993, 9007199254740992]")))
        .isEqualTo("[9007199254740993,9007199254740992]");
  }

  @Test
  void refusesWhatHasNoCanonicalForm() {
    assertThatThrownBy(() -> CanonicalJson.parse("{\"a\":1,\"a\":2}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> CanonicalJson.parse("[\"\\ud800\"]"))
        .hasMessageContaining("lone surrogate");
    assertThatThrownBy(() -> CanonicalJson.parse("[1e400]")).hasMessageContaining("range");
    assertThatThrownBy(() -> CanonicalJson.parse("{} {}")).hasMessageContaining("more than one");
    assertThatThrownBy(() -> CanonicalJson.parse("  ")).hasMessageContaining("empty");
    assertThatThrownBy(() -> CanonicalJson.parse("[".repeat(40) + "]".repeat(40)))
        .hasMessageContaining("not valid JSON");
  }
}
