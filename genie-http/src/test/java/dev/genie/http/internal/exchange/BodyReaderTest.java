package dev.genie.http.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.Undertow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A body read in full or refused, over a real socket: each test writes the request byte by byte as
 * it needs, so what the server answers before the body, and whether it asks for it, shows.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BodyReaderTest {
  private static final int MAX_BODY_BYTES = 16;

  /** Long enough never to end a body that is on its way; the test of the deadline sends none. */
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private Undertow server;
  private int port;

  @BeforeEach
  void start() {
    BodyReader bodies = new BodyReader(MAX_BODY_BYTES, TIMEOUT);
    // As Workers calls it: from a worker thread, the body then echoed from the IO thread.
    server =
        Undertow.builder()
            .addHttpListener(0, "127.0.0.1")
            .setHandler(
                exchange ->
                    exchange.dispatch(
                        dispatched ->
                            bodies.read(
                                dispatched,
                                (read, body) ->
                                    Responses.send(read, "application/octet-stream", echo(body)))))
            .build();
    server.start();
    port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void aBodyWithinTheLimitIsHandedOverWhole() throws IOException {
    String answer = exchange(head("Content-Length: 16") + "0123456789abcdef");

    assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith("read 16: 0123456789abcdef");
  }

  @Test
  void aRequestWithoutABodyGetsAnEmptyOne() throws IOException {
    String answer = exchange(head("Content-Length: 0"));

    assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith("read 0: ");
  }

  @Test
  void aChunkedBodyIsJoined() throws IOException {
    String answer =
        exchange(head("Transfer-Encoding: chunked") + "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n");

    assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith("read 7: abcdefg");
  }

  /** The client waits for {@code 100 Continue} before it sends a byte, and gets it first. */
  @Test
  void anAnnouncedBodyWithinTheLimitIsAskedForWithContinue() throws IOException {
    try (Socket socket = connect()) {
      send(socket, head("Content-Length: 5\r\nExpect: 100-continue"));
      String interim = readHead(socket.getInputStream());
      assertThat(interim).startsWith("HTTP/1.1 100 Continue");

      send(socket, "hello");
      assertThat(readAll(socket)).startsWith("HTTP/1.1 200 ").endsWith("read 5: hello");
    }
  }

  /** Refused on its announced length: no {@code 100 Continue}, so the client sends nothing. */
  @Test
  void anAnnouncedBodyOverTheLimitIsRefusedBeforeItIsSent() throws IOException {
    String answer =
        exchange(head("Content-Length: " + (MAX_BODY_BYTES + 1) + "\r\nExpect: 100-continue"));

    assertThat(answer)
        .startsWith("HTTP/1.1 413 ")
        .doesNotContain("100 Continue")
        .containsIgnoringCase("Connection: close")
        .contains("BODY_TOO_LARGE", "larger than 16 bytes (GENIE_MAX_BODY_BYTES)");
  }

  /** Chunks announce no length: the limit is met while the body arrives. */
  @Test
  void aChunkedBodyThatGrowsPastTheLimitIsRefused() throws IOException {
    String answer =
        exchange(
            head("Transfer-Encoding: chunked") + "a\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n");

    assertThat(answer)
        .startsWith("HTTP/1.1 413 ")
        .containsIgnoringCase("Connection: close")
        .contains("BODY_TOO_LARGE");
  }

  /** The client stops sending halfway and says so: the read fails, and the request is answered. */
  @Test
  void aBodyThatEndsEarlyIsAnsweredAsUnreadable() throws IOException {
    try (Socket socket = connect()) {
      send(socket, head("Content-Length: 10") + "01234");
      socket.shutdownOutput();

      assertThat(readAll(socket))
          .startsWith("HTTP/1.1 400 ")
          .contains("INVALID_JSON", "ended early or was badly chunked");
    }
  }

  /** No byte of the body ever comes: the deadline answers, whatever thread was reading. */
  @Test
  void aBodyThatNeverArrivesIsAnsweredAtTheDeadline() throws IOException {
    try (Socket socket = connect()) {
      send(socket, head("Content-Length: 10"));

      assertThat(readAll(socket))
          .startsWith("HTTP/1.1 400 ")
          .containsIgnoringCase("Connection: close")
          .contains(
              "INVALID_JSON", "took longer than 2000 ms to arrive", "GENIE_REQUEST_TIMEOUT_MS");
    }
  }

  private static byte[] echo(byte[] body) {
    return ("read " + body.length + ": " + new String(body, StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String head(String headers) {
    return "POST /echo HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + headers + "\r\n\r\n";
  }

  /** Sends {@code request} whole and reads the answer until the server closes. */
  private String exchange(String request) throws IOException {
    try (Socket socket = connect()) {
      send(socket, request);
      return readAll(socket);
    }
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(20_000);
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** One answer's head, up to its blank line, read a byte at a time so nothing after it is lost. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int next = in.read();
      if (next < 0) {
        break;
      }
      head.write(next);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  private static String readAll(Socket socket) throws IOException {
    return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
