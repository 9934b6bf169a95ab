package dev.genie.http.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.http.StartupCheckException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AuthSettingsTest {
  private static AuthSettings auth(Map<String, String> env) {
    return GenieConfig.fromEnvironment(env).auth();
  }

  @Test
  void unsetMeansKeysAsSoonAsTheBindIsNotLoopback() {
    assertThat(auth(Map.of()).keys()).isFalse();
    assertThat(auth(Map.of("GENIE_HOST", "localhost")).keys()).isFalse();
    assertThat(auth(Map.of("GENIE_HOST", "::1")).keys()).isFalse();
    assertThat(auth(Map.of("GENIE_HOST", "0.0.0.0")).keys()).isTrue();
    assertThat(auth(Map.of("GENIE_HOST", "0.0.0.0")).describe()).contains("not loopback");
  }

  @Test
  void offMustBeSpelledOutAndTheLineSaysWhatItMeans() {
    AuthSettings off = auth(Map.of("GENIE_HOST", "0.0.0.0", "GENIE_AUTH", "OFF"));
    assertThat(off.keys()).isFalse();
    assertThat(off.describe()).contains("GENIE_AUTH=off spelled out").contains("anyone");
    assertThat(auth(Map.of("GENIE_AUTH", "keys")).keys()).isTrue();
  }

  @Test
  void keysOffSaysThatProxiedAndForeignHostRequestsAreRefused() {
    assertThat(auth(Map.of()).describe())
        .contains("only programs on this machine")
        .contains("through a proxy")
        .contains("GENIE_ALLOWED_HOSTS");
    AuthSettings listed = auth(Map.of("GENIE_ALLOWED_HOSTS", " Genie.Internal , [::1] "));
    assertThat(listed.allowedHosts()).containsExactly("genie.internal", "[::1]");
    assertThat(listed.describe()).contains("genie.internal");
    assertThatThrownBy(() -> auth(Map.of("GENIE_ALLOWED_HOSTS", "genie.internal:8080")))
        .isInstanceOf(StartupCheckException.class)
        .hasMessageContaining("GENIE_ALLOWED_HOSTS");
  }

  @Test
  void anotherValueIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> auth(Map.of("GENIE_AUTH", "maybe")))
        .isInstanceOf(StartupCheckException.class)
        .hasMessageContaining("GENIE_AUTH");
  }

  @Test
  void promptsAreAuditedOnlyWhenAskedFor() {
    assertThat(auth(Map.of()).auditPrompts()).isFalse();
    assertThat(auth(Map.of("GENIE_AUDIT_PROMPTS", "1")).auditPrompts()).isTrue();
  }
}
