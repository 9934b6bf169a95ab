package dev.genie.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PromptKeyTest {
  private static final String PROFILE = PromptKey.SAMPLE_PROFILE_ID;

  @Test
  void theDefaultNamespaceKeepsTheKeysStoredBeforeNamespaces() {
    assertThat(PromptKey.of(ApiKey.DEFAULT_NAMESPACE, PROFILE, "a poem"))
        .isEqualTo(PromptKey.of(PROFILE, "a poem"));
  }

  @Test
  void everyNamespaceHasKeysOfItsOwn() {
    String a = PromptKey.of("team-a", PROFILE, "a poem");
    assertThat(a).matches("[0-9a-f]{64}");
    assertThat(a)
        .isNotEqualTo(PromptKey.of("team-b", PROFILE, "a poem"))
        .isNotEqualTo(PromptKey.of(PROFILE, "a poem"))
        .isEqualTo(PromptKey.of("team-a", PROFILE, "a poem"));
  }

  @Test
  void keyHashesCompareByContent() throws Exception {
    java.security.MessageDigest sha256 = java.security.MessageDigest.getInstance("SHA-256");
    byte[] a = sha256.digest("genie_one".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    byte[] same = sha256.digest("genie_one".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    byte[] lastByteDiffers = a.clone();
    lastByteDiffers[31] ^= 1;
    byte[] firstByteDiffers = a.clone();
    firstByteDiffers[0] ^= 1;

    assertThat(ApiKey.sameHash(a, same)).isTrue();
    assertThat(ApiKey.sameHash(a, lastByteDiffers)).isFalse();
    assertThat(ApiKey.sameHash(a, firstByteDiffers)).isFalse();
    assertThat(ApiKey.sameHash(a, new byte[0])).isFalse();
  }

  @Test
  void namesAreShortAndPlain() {
    assertThat(ApiKey.requireName("name", "team-a.prod_1")).isEqualTo("team-a.prod_1");
    assertThatThrownBy(() -> ApiKey.requireName("namespace", "a b"))
        .hasMessageContaining("namespace must be");
    assertThatThrownBy(() -> ApiKey.requireName("name", "-x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ApiKey.requireName("name", "x".repeat(65)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
