package dev.genie.render.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A template that could write text unescaped never loads. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SafeTemplatesTest {
  @Test
  void aTripleMustacheIsRefused() {
    assertThatThrownBy(() -> SafeTemplates.load("unescaped-for-test.mustache"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("{{{");
  }

  @Test
  void anAmpersandTagIsRefused() {
    assertThatThrownBy(() -> SafeTemplates.load("ampersand-for-test.mustache"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("{{&");
  }
}
