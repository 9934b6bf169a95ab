package dev.genie.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.http.internal.auth.ApiKeys;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With keys on, the key is checked before a body is read: a caller with an unknown key is answered
 * 401 while its announced body has not been sent, and gets no {@code 100 Continue}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KeyBeforeBodyTest extends LocalGenieTest {
  @Test
  void anUnknownKeyIsRefusedBeforeItsBodyArrives() throws Exception {
    // The body would be waited for a minute: longer than the socket below waits for an answer.
    start(Map.of("GENIE_AUTH", "keys", "GENIE_REQUEST_TIMEOUT_MS", "60000"));

    assertThat(head("")).startsWith("HTTP/1.1 401 ").contains("UNAUTHENTICATED");
    assertThat(head("Expect: 100-continue\r\n"))
        .startsWith("HTTP/1.1 401 ")
        .doesNotContain("100 Continue");
  }

  /** Sends a POST's head announcing 1,000 bytes of body, none of them, and reads the answer. */
  private String head(String extra) throws IOException {
    try (Socket socket = new Socket(server.uri().getHost(), server.port())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("POST /prompts HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                      + "Authorization: Bearer "
                      + ApiKeys.generate()
                      + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n"
                      + extra
                      + "\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      byte[] answer = new byte[4096];
      int read = socket.getInputStream().read(answer);
      return new String(answer, 0, Math.max(read, 0), StandardCharsets.UTF_8);
    }
  }
}
