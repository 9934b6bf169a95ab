package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.http.GenieServer;
import dev.genie.it.support.Artifacts;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.RawHttp;
import dev.genie.it.support.StoredRows;
import dev.genie.it.support.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code Expect: 100-continue}: a client that waits for {@code 100 Continue} before it sends the
 * body gets it at once, a body too large is refused before it is sent, and an expectation Genie
 * cannot meet is {@code 417}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExpectContinueIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension final Artifacts artifacts = new Artifacts();
  @RegisterExtension final GenieInstances genies = new GenieInstances();

  private static final Duration PATIENCE = Duration.ofSeconds(20);

  private TestDatabase database;
  private RawHttp http;

  @BeforeEach
  void start() throws Exception {
    database = POSTGRES.server().freshDatabase();
    GenieServer genie = genies.sql(database, CountingGenerator.sample(Duration.ZERO), Map.of());
    http = new RawHttp(genie.uri());
  }

  @Test
  void aClientWaitingForContinueGetsItBeforeItSendsTheBody() throws Exception {
    byte[] body = GenieClient.promptBody("A prompt sent after 100 Continue").getBytes();
    try (Socket socket = http.open(PATIENCE)) {
      long started = System.nanoTime();
      RawHttp.write(socket, head("100-continue", body.length));
      String interim = readHead(socket.getInputStream());
      RawHttp.write(socket, body);
      RawHttp.Response answer = RawHttp.read(socket, started);

      artifacts.summary(
          "figures", () -> "interim " + interim.strip() + "; then " + answer.status());
      assertThat(interim).startsWith("HTTP/1.1 100");
      assertThat(answer.status()).isEqualTo(201);
    }
    assertThat(rows().prompts()).hasSize(1);
  }

  @Test
  void aBodyTooLargeIsRefusedWithoutAskingForIt() throws Exception {
    try (Socket socket = http.open(PATIENCE)) {
      RawHttp.write(socket, head("100-continue", 10 * 1024 * 1024));
      RawHttp.Response answer = RawHttp.read(socket, System.nanoTime());

      assertThat(answer.status()).isEqualTo(413);
      assertThat(answer.body()).contains("BODY_TOO_LARGE");
    }
    assertThat(rows().prompts()).isEmpty();
  }

  @Test
  void anotherExpectationIs417AndChangesNothing() throws Exception {
    byte[] body = GenieClient.promptBody("A prompt with an odd expectation").getBytes();
    byte[] head = head("200-ok", body.length);
    byte[] request = new byte[head.length + body.length];
    System.arraycopy(head, 0, request, 0, head.length);
    System.arraycopy(body, 0, request, head.length, body.length);

    RawHttp.Response answer = http.send(request, PATIENCE);

    assertThat(answer.status()).isEqualTo(417);
    assertThat(answer.body()).contains("EXPECTATION_FAILED");
    assertThat(rows().prompts()).isEmpty();
  }

  private static byte[] head(String expectation, int contentLength) {
    return RawHttp.request(
        "POST",
        "/prompts",
        "Content-Type: application/json\r\nContent-Length: "
            + contentLength
            + "\r\nExpect: "
            + expectation
            + "\r\n",
        new byte[0]);
  }

  /** Reads one response head, up to its blank line, without reading past it. */
  private static String readHead(InputStream in) throws Exception {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private StoredRows rows() throws Exception {
    try (Connection connection = database.connect()) {
      return StoredRows.read(connection);
    }
  }
}
