package dev.genie.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With keys off (the loopback default), what a reverse proxy on this machine or a DNS-rebinding
 * page would send is refused, 403 naming GENIE_AUTH, and changes nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxiedCallersTest extends LocalGenieTest {
  @Test
  void aRequestThroughAProxyIsRefusedAndCreatesNothing() throws Exception {
    start(Map.of());
    HttpResponse<String> listed =
        send(request("/prompts").header("X-Forwarded-For", "203.0.113.9").GET());
    HttpResponse<String> posted =
        send(
            request("/prompts")
                .header("Forwarded", "for=203.0.113.9")
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString("{\"prompt\":\"spend the operator's tokens\"}")));

    assertError(listed, 403, "FORBIDDEN");
    assertThat(field(listed.body(), "message")).contains("GENIE_AUTH").contains("X-Forwarded-For");
    assertError(posted, 403, "FORBIDDEN");
    assertThat(get("/prompts").body()).isEqualTo("{\"items\":[],\"next\":null}");
  }

  @Test
  void aHostThatIsNotThisMachineIsRefusedUnlessListed() throws Exception {
    start(Map.of("GENIE_ALLOWED_HOSTS", "genie.internal"));

    String foreign = raw("attacker.example");
    assertThat(foreign).startsWith("HTTP/1.1 403 ").contains("GENIE_AUTH", "GENIE_ALLOWED_HOSTS");
    assertThat(raw("localhost:" + server.port())).startsWith("HTTP/1.1 200 ");
    assertThat(raw("genie.internal")).startsWith("HTTP/1.1 200 ");
  }

  /** {@code GET /prompts} with {@code host} as the Host header, as a browser page would send. */
  private String raw(String host) throws IOException {
    try (Socket socket = new Socket(server.uri().getHost(), server.port())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("GET /prompts HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
