package dev.genie.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PageCursorTest {
  private static final String ID = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";

  @ParameterizedTest
  @ValueSource(strings = {"1970-01-01T00:00:00Z", "2026-11-25T10:00:00.123456Z"})
  void aCursorReadsBackAsWritten(String time) {
    PageCursor cursor = new PageCursor(Instant.parse(time), ID);

    assertThat(PageCursor.decode(cursor.encode())).isEqualTo(cursor);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "9999999999999.0." + ID,
        "-1.0." + ID,
        "1.-5." + ID,
        "1.1000000000." + ID,
        "1.123456789." + ID,
        "1.1." + ID,
        "1.0.not-a-uuid",
        "1.0",
        ""
      })
  void aForgedCursorIsRefused(String plain) {
    String token =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(plain.getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> PageCursor.decode(token))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a page cursor");
  }
}
