package dev.genie.render.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A template that could write text unescaped never loads. */
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
