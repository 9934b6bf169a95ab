package dev.genie.http.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ApiKeysTest {
  @Test
  void aKeyIsThePrefixAnd256RandomBits() {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String key = ApiKeys.generate();
      assertThat(key).startsWith("genie_").hasSize("genie_".length() + 43);
      assertThat(java.util.Base64.getUrlDecoder().decode(key.substring(6))).hasSize(32);
      keys.add(key);
    }
    assertThat(keys).hasSize(1000);
  }

  @Test
  void theHashIsSha256OfTheKey() {
    // SHA-256("abc"), the FIPS 180-2 example
    assertThat(HexFormat.of().formatHex(ApiKeys.hash("abc")))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    String key = ApiKeys.generate();
    assertThat(ApiKeys.hash(key)).isEqualTo(ApiKeys.hash(key)).hasSize(32);
  }

  @Test
  void theBearerSchemeIsReadInAnyCaseAndAnythingElseIsNoKey() {
    String key = ApiKeys.generate();
    assertThat(ApiKeys.fromAuthorization("Bearer " + key)).contains(key);
    assertThat(ApiKeys.fromAuthorization("bearer  " + key + " ")).contains(key);
    assertThat(ApiKeys.fromAuthorization(null)).isEmpty();
    assertThat(ApiKeys.fromAuthorization(key)).isEmpty();
    assertThat(ApiKeys.fromAuthorization("Basic " + key)).isEmpty();
    assertThat(ApiKeys.fromAuthorization("Bearer ")).isEmpty();
    assertThat(ApiKeys.fromAuthorization("Bearer " + key + "x")).isEmpty();
    assertThat(ApiKeys.fromAuthorization("Bearer other_" + key.substring(6))).isEmpty();
  }
}
