package dev.genie.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for what a well-behaved client cannot send: invalid bytes, broken
 * chunking, oversized heads, and clients that stall. One request per connection.
 */
public final class RawHttp {
  private final String host;
  private final int port;

  public RawHttp(URI base) {
    this.host = base.getHost();
    this.port = base.getPort();
  }

  /**
   * What came back on one connection.
   *
   * @param status the status code, or -1 when the server closed without answering
   * @param headers response headers, names in lower case
   * @param body the body as UTF-8 text
   * @param millis from sending to the end of the answer or the close
   */
  public record Response(int status, Map<String, String> headers, String body, long millis) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** A request with {@code Connection: close}, a {@code Host} and the given head lines. */
  public static byte[] request(String method, String target, String headLines, byte[] body) {
    String head =
        method
            + " "
            + target
            + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            + headLines
            + "\r\n";
    byte[] start = head.getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[start.length + body.length];
    System.arraycopy(start, 0, all, 0, start.length);
    System.arraycopy(body, 0, all, start.length, body.length);
    return all;
  }

  /** A POST of {@code body} with a Content-Length and the given Content-Type. */
  public static byte[] post(String target, String contentType, byte[] body) {
    String type = contentType == null ? "" : "Content-Type: " + contentType + "\r\n";
    return request("POST", target, type + "Content-Length: " + body.length + "\r\n", body);
  }

  /** A POST of {@code body} in chunks of {@code chunkBytes}, without a Content-Length. */
  public static byte[] postChunked(String target, byte[] body, int chunkBytes) {
    ByteArrayOutputStream chunked = new ByteArrayOutputStream();
    for (int i = 0; i < body.length; i += chunkBytes) {
      int n = Math.min(chunkBytes, body.length - i);
      chunked.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      chunked.write(body, i, n);
      chunked.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    chunked.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    return request(
        "POST",
        target,
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
        chunked.toByteArray());
  }

  /** Sends {@code request} whole and reads the answer until the server closes. */
  public Response send(byte[] request, Duration timeout) throws IOException {
    try (Socket socket = open(timeout)) {
      long started = System.nanoTime();
      try {
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
      } catch (IOException e) {
        // The server may answer and close before it has read everything (413): read the answer.
      }
      return read(socket, started);
    }
  }

  /** A connection left open for the test to drive byte by byte. */
  public Socket open(Duration timeout) throws IOException {
    Socket socket = new Socket(host, port);
    socket.setSoTimeout((int) timeout.toMillis());
    return socket;
  }

  /** Writes and flushes; false once the server has closed the connection. */
  public static boolean write(Socket socket, byte[] bytes) {
    try {
      OutputStream out = socket.getOutputStream();
      out.write(bytes);
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Reads the answer on {@code socket} until the server closes it.
   *
   * @throws SocketTimeoutException when the server neither answers nor closes in time
   */
  public static Response read(Socket socket, long startedNanos) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        received.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw e;
    } catch (IOException e) {
      // A reset after the answer (the server closed with unread input) ends the answer too.
    }
    long millis = (System.nanoTime() - startedNanos) / 1_000_000;
    return parse(received.toByteArray(), millis);
  }

  private static Response parse(byte[] bytes, long millis) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    int headEnd = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || headEnd < 0) {
      return new Response(-1, Map.of(), text, millis);
    }
    String[] lines = text.substring(0, headEnd).split("\r\n");
    int status = Integer.parseInt(lines[0].substring(9, 12));
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).strip());
      }
    }
    return new Response(status, headers, text.substring(headEnd + 4), millis);
  }

  @Override
  public String toString() {
    return "RawHttp " + host + ":" + port;
  }
}
