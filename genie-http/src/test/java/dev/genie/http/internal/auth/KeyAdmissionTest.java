package dev.genie.http.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.core.GenieException;
import dev.genie.http.internal.errors.HttpErrorCode;
import dev.genie.http.internal.limits.CallerLimits;
import dev.genie.persistence.ApiKey;
import dev.genie.persistence.KeyStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The admin routes' rule: {@code /metrics} and {@code /openapi.yaml} answer only a live admin key,
 * from every address, this machine's too (a reverse proxy on it brings everyone from loopback);
 * every other route needs a key from anywhere. The peer address is set on the exchange, so that
 * this runs on any machine and never skips.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class KeyAdmissionTest {
  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  private static final String LOOPBACK = "127.0.0.1";
  private static final String AFAR = "192.0.2.10";

  private final Keys keys = new Keys();
  private final KeyAdmission admission =
      new KeyAdmission(
          new KeyCache(keys.store, Clock.fixed(NOW, ZoneOffset.UTC)),
          new CallerLimits(
              keys.store, Clock.fixed(NOW, ZoneOffset.UTC), new SimpleMeterRegistry()));
  private final String admin = keys.add(key("ops", true, null));
  private final String user = keys.add(key("app", false, null));
  private final String revokedAdmin = keys.add(key("gone", true, NOW));

  @Test
  void theAdminRoutesNeedALiveAdminKeyFromEveryAddress() {
    for (String route : List.of("/metrics", "/openapi.yaml")) {
      for (String from : List.of(LOOPBACK, AFAR)) {
        assertThatCode(() -> admission.admit(exchange(route, from, admin)))
            .as("%s from %s with an admin key", route, from)
            .doesNotThrowAnyException();
        assertRefused(route, from, user, HttpErrorCode.FORBIDDEN);
        assertRefused(route, from, null, HttpErrorCode.UNAUTHENTICATED);
        assertRefused(route, from, revokedAdmin, HttpErrorCode.UNAUTHENTICATED);
      }
    }
  }

  @Test
  void otherRoutesNeedAKeyFromThisMachineToo() {
    assertRefused("/prompts", LOOPBACK, null, HttpErrorCode.UNAUTHENTICATED);
    assertThatCode(() -> admission.admit(exchange("/prompts", AFAR, user)))
        .doesNotThrowAnyException();
  }

  private void assertRefused(String route, String from, String key, HttpErrorCode code) {
    assertThatThrownBy(() -> admission.admit(exchange(route, from, key)))
        .as("%s from %s with %s", route, from, key == null ? "no key" : "key " + key)
        .isInstanceOfSatisfying(GenieException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  private static HttpServerExchange exchange(String path, String from, String key) {
    HttpServerExchange exchange = new HttpServerExchange(null);
    exchange.setRelativePath(path);
    exchange.setSourceAddress(new InetSocketAddress(from, 40000));
    if (key != null) {
      exchange.getRequestHeaders().put(Headers.AUTHORIZATION, "Bearer " + key);
    }
    return exchange;
  }

  private static ApiKey key(String name, boolean admin, Instant revokedAt) {
    return new ApiKey(name, "default", 0, 0, admin, NOW, null, revokedAt);
  }

  /**
   * Keys by hash, in memory: a key store that answers {@code findByHash} and takes {@code touch},
   * and refuses whatever else it is asked.
   */
  private static final class Keys {
    private final Map<String, ApiKey> byHash = new HashMap<>();
    final KeyStore store =
        (KeyStore)
            Proxy.newProxyInstance(
                KeyStore.class.getClassLoader(),
                new Class<?>[] {KeyStore.class},
                (proxy, method, args) ->
                    switch (method.getName()) {
                      case "findByHash" ->
                          Optional.ofNullable(
                              byHash.get(HexFormat.of().formatHex((byte[]) args[0])));
                      case "touch" -> null;
                      default -> throw new UnsupportedOperationException(method.getName());
                    });

    /** Stores {@code key} under a new secret, and returns the secret. */
    String add(ApiKey key) {
      String secret = ApiKeys.generate();
      byHash.put(HexFormat.of().formatHex(ApiKeys.hash(secret)), key);
      return secret;
    }
  }
}
