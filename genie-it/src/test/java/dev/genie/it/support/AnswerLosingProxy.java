package dev.genie.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy in front of PostgreSQL that loses one answer on demand: once {@link
 * #loseAnswerCarrying armed}, it cuts the connection that the next answer carrying the marker comes
 * on, instead of passing that answer on. PostgreSQL commits an autocommitted statement before it
 * answers, so the statement took effect and its caller is told only that the connection broke: what
 * a crash of the primary after a commit reached the synchronous standby does.
 */
public final class AnswerLosingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final String targetHost;
  private final int targetPort;
  private final AtomicReference<byte[]> marker = new AtomicReference<>();
  private final CountDownLatch lost = new CountDownLatch(1);
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  private AnswerLosingProxy(ServerSocket listener, String targetHost, int targetPort) {
    this.listener = listener;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
  }

  /** Starts a proxy on a free loopback port that forwards to {@code database}'s server. */
  public static AnswerLosingProxy start(TestDatabase database) throws IOException {
    String server = database.server();
    int colon = server.lastIndexOf(':');
    AnswerLosingProxy proxy =
        new AnswerLosingProxy(
            new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
            server.substring(0, colon).replace("[", "").replace("]", ""),
            Integer.parseInt(server.substring(colon + 1)));
    daemon("proxy-accept", proxy::accept);
    return proxy;
  }

  /** {@code database}'s DATABASE_URL, through this proxy. */
  public String databaseUrl(TestDatabase database) {
    return database.databaseUrl().replace("@" + database.server() + "/", "@" + address() + "/");
  }

  /** The next answer that carries {@code text} is lost. */
  public void loseAnswerCarrying(String text) {
    marker.set(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Waits until an answer was lost. */
  public void awaitLost(Duration timeout) throws InterruptedException {
    if (!lost.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("no answer carried the marker within " + timeout);
    }
  }

  public boolean lostAnAnswer() {
    return lost.getCount() == 0;
  }

  private String address() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(targetHost, targetPort);
        sockets.add(client);
        sockets.add(server);
        daemon("proxy-up", () -> pump(client, server, chunk -> true));
        daemon("proxy-down", () -> pump(server, client, this::passAnswer));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** Whether to pass {@code chunk} of an answer on: not when it carries the armed marker. */
  private boolean passAnswer(byte[] chunk) {
    byte[] armed = marker.get();
    if (armed != null && contains(chunk, armed) && marker.compareAndSet(armed, null)) {
      lost.countDown();
      return false;
    }
    return true;
  }

  /** Copies {@code from} to {@code to} while {@code forward} passes; then closes both. */
  private static void pump(Socket from, Socket to, Forward forward) {
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        byte[] chunk = Arrays.copyOf(buffer, n);
        if (!forward.pass(chunk)) {
          break;
        }
        out.write(chunk);
        out.flush();
      }
    } catch (IOException e) {
      // either side closed: close both
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  @FunctionalInterface
  private interface Forward {
    boolean pass(byte[] chunk);
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static void daemon(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    sockets.forEach(AnswerLosingProxy::closeQuietly);
  }
}
