package dev.genie.it.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients that misbehave slowly, over plain sockets: heads and bodies that never end or trickle in,
 * connections that send nothing, and an upload that goes on after the server has answered. Each
 * waits for the server to answer or close, up to the timeout.
 */
public final class SlowClient {
  private static final String POST_HEAD =
      "POST /prompts HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n";

  private final RawHttp http;
  private final ExecutorService writers;
  private final Duration timeout;
  private final Semaphore begun = new Semaphore(0);

  /**
   * @param writers runs the writing side of clients that write while they wait for the answer
   */
  public SlowClient(RawHttp http, ExecutorService writers, Duration timeout) {
    this.http = http;
    this.writers = writers;
    this.timeout = timeout;
  }

  /**
   * Waits until {@code clients} of this client's misbehaving connections are open and have sent
   * their first bytes (a head begun, a body begun, or, for {@link #idle}, nothing after
   * connecting).
   */
  public void awaitStarted(int clients, Duration patience) throws InterruptedException {
    if (!begun.tryAcquire(clients, patience.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          begun.availablePermits() + " of " + clients + " slow clients started in " + patience);
    }
  }

  /** Sends a head a line every 100 ms; returns the ms until the server closed or answered. */
  public long dripHead() throws Exception {
    try (Socket socket = http.open(timeout)) {
      long started = System.nanoTime();
      RawHttp.write(socket, ascii("GET /health HTTP/1.1\r\nHost: localhost\r\n"));
      begun.release();
      for (int i = 0; i < 600; i++) {
        Thread.sleep(100);
        if (!RawHttp.write(socket, ascii("X-Slow-" + i + ": a\r\n")) || done(socket)) {
          return (System.nanoTime() - started) / 1_000_000;
        }
      }
      throw new AssertionError("a head sent over 60 s was never cut off");
    }
  }

  /** Connects and sends nothing; returns the ms until the server closed without a byte. */
  public long idle() throws Exception {
    try (Socket socket = http.open(timeout)) {
      long started = System.nanoTime();
      begun.release();
      int read = socket.getInputStream().read();
      if (read != -1) {
        throw new AssertionError("the server sent bytes on a connection without a request");
      }
      return (System.nanoTime() - started) / 1_000_000;
    }
  }

  /** Declares a body of 100 bytes, sends the start of one, then stops. */
  public RawHttp.Response stallBody(String prompt) throws Exception {
    try (Socket socket = http.open(timeout)) {
      long started = System.nanoTime();
      RawHttp.write(socket, utf8(POST_HEAD + "Content-Length: 100\r\n\r\n{\"prompt\":\"" + prompt));
      begun.release();
      return RawHttp.read(socket, started);
    }
  }

  /** Declares 1000 bytes and sends one every 20 ms: progress, but too slow. */
  public RawHttp.Response dripBody() throws Exception {
    try (Socket socket = http.open(timeout)) {
      long started = System.nanoTime();
      RawHttp.write(socket, utf8(POST_HEAD + "Content-Length: 1000\r\n\r\n{\"prompt\":\"drip"));
      begun.release();
      Future<?> dripping =
          writers.submit(
              () -> {
                for (int i = 0; i < 900 && RawHttp.write(socket, new byte[] {'x'}); i++) {
                  Thread.sleep(20);
                }
                return null;
              });
      RawHttp.Response response = RawHttp.read(socket, started);
      dripping.cancel(true);
      return response;
    }
  }

  /**
   * Uploads a chunked body of {@code total} bytes for as long as the server reads it, counting what
   * was sent, and returns the server's answer.
   */
  public RawHttp.Response uploadChunked(long total, AtomicLong sent) throws Exception {
    try (Socket socket = http.open(timeout)) {
      long started = System.nanoTime();
      OutputStream out = socket.getOutputStream();
      out.write(ascii(POST_HEAD + "Transfer-Encoding: chunked\r\n\r\n"));
      Future<?> writer =
          writers.submit(
              () -> {
                byte[] chunk = ascii("1000\r\n" + "x".repeat(4096) + "\r\n");
                try {
                  while (sent.get() < total) {
                    out.write(chunk);
                    sent.addAndGet(4096);
                  }
                } catch (IOException e) {
                  // the server answered and closed
                }
              });
      RawHttp.Response response = RawHttp.read(socket, started);
      writer.cancel(true);
      return response;
    }
  }

  /** Whether the server is done with the connection: it closed it or answered. */
  private static boolean done(Socket socket) throws IOException {
    int previous = socket.getSoTimeout();
    socket.setSoTimeout(1);
    try {
      socket.getInputStream().read();
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    } finally {
      socket.setSoTimeout(previous);
    }
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
