package dev.genie.http.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.core.GenieException;
import dev.genie.http.internal.errors.HttpErrorCode;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With keys off, only programs on this machine are answered: a request that went through a proxy,
 * or that names a Host which is not this machine (DNS rebinding), is refused naming GENIE_AUTH.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LocalCallersAdmissionTest {
  private final LocalCallersAdmission admission =
      new LocalCallersAdmission(List.of("genie.internal"));

  @Test
  void loopbackHostsAndTheListedOnesAreAnswered() {
    for (String host :
        List.of(
            "127.0.0.1:8080",
            "127.1.2.3",
            "localhost:8080",
            "LocalHost.",
            "app.localhost:1",
            "[::1]:8080",
            "genie.internal:8080")) {
      assertThatCode(() -> admission.admit(exchange(host)))
          .as("Host: %s", host)
          .doesNotThrowAnyException();
    }
    assertThatCode(() -> admission.admit(new HttpServerExchange(null)))
        .as("no Host (HTTP/1.0)")
        .doesNotThrowAnyException();
  }

  @Test
  void anotherHostIsRefusedNamingTheSettings() {
    for (String host :
        List.of(
            "attacker.example",
            "attacker.example:8080",
            "localhost.attacker.example",
            "127.0.0.1.attacker.example",
            "10.0.0.1:8080",
            "[::2]:8080",
            "genie.internal.evil")) {
      assertRefused(exchange(host), "GENIE_ALLOWED_HOSTS");
    }
  }

  @Test
  void aRequestThatShowsAProxyIsRefusedFromLoopbackToo() {
    for (String header :
        List.of(
            "Forwarded",
            "X-Forwarded-For",
            "x-forwarded-proto",
            "X-Forwarded-Host",
            "X-Real-IP",
            "Via")) {
      HttpServerExchange exchange = exchange("127.0.0.1:8080");
      exchange.getRequestHeaders().put(HttpString.tryFromString(header), "203.0.113.9");
      assertRefused(exchange, header);
    }
  }

  private void assertRefused(HttpServerExchange exchange, String named) {
    assertThatThrownBy(() -> admission.admit(exchange))
        .as("%s", exchange.getRequestHeaders())
        .isInstanceOfSatisfying(
            GenieException.class,
            e -> {
              assertThat(e.code()).isEqualTo(HttpErrorCode.FORBIDDEN);
              assertThat(e.getMessage()).contains("GENIE_AUTH").containsIgnoringCase(named);
            });
  }

  private static HttpServerExchange exchange(String host) {
    HttpServerExchange exchange = new HttpServerExchange(null);
    exchange.setRelativePath("/prompts");
    exchange.getRequestHeaders().put(Headers.HOST, host);
    return exchange;
  }
}
