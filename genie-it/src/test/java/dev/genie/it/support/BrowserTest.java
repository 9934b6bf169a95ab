package dev.genie.it.support;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Without Chromium the browser tests fail, saying how to install it; they never skip. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BrowserTest {
  @Test
  void aMissingBrowserFailsSayingHowToInstallIt() {
    assertThatThrownBy(
            () -> Browser.installed("GENIE_IT_UNSET_FOR_THIS_TEST", "/nonexistent/chromium"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("/nonexistent/chromium is not there")
        .hasMessageContaining("apt-get install -y chromium chromium-driver")
        .hasMessageContaining("GENIE_IT_UNSET_FOR_THIS_TEST");
  }
}
