import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The waiters' load: N connections each POST one of P prompts whose generation outlasts the run,
 * and wait; once all wait, GET /health and a POST of a completed prompt are timed one after the
 * other (the completed prompt was stored before, by the script). Then it waits for the N answers (the caller stops Genie, whose stop answers them) and
 * prints the figures as key=value lines. One thread: a selector over every connection.
 *
 * <p>Usage: java Waiters.java HOST PORT WAITERS PROMPTS PROBES PIDFILE
 */
public final class Waiters {
  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int waiters = Integer.parseInt(args[2]);
    int prompts = Integer.parseInt(args[3]);
    int probes = Integer.parseInt(args[4]);
    Path ready = Path.of(args[5]);
    InetSocketAddress address = new InetSocketAddress(host, port);

    Selector selector = Selector.open();
    Map<Integer, Integer> statuses = new TreeMap<>();
    int opened = 0;
    int answered = 0;
    int inFlightConnects = 0;
    long started = System.nanoTime();
    while (opened < waiters || inFlightConnects > 0) {
      while (opened < waiters && inFlightConnects < 500) {
        SocketChannel channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.connect(address);
        byte[] request = request("A prompt its callers wait for, number " + (opened % prompts));
        channel.register(selector, SelectionKey.OP_CONNECT, new Conn(ByteBuffer.wrap(request)));
        opened++;
        inFlightConnects++;
      }
      selector.select(100);
      for (SelectionKey key : selector.selectedKeys()) {
        Conn conn = (Conn) key.attachment();
        SocketChannel channel = (SocketChannel) key.channel();
        try {
          if (key.isConnectable() && channel.finishConnect()) {
            key.interestOps(SelectionKey.OP_WRITE);
          }
          if (key.isValid() && key.isWritable()) {
            channel.write(conn.request);
            if (!conn.request.hasRemaining()) {
              key.interestOps(SelectionKey.OP_READ);
              inFlightConnects--;
            }
          }
        } catch (IOException e) {
          key.cancel();
          inFlightConnects--;
          statuses.merge(-1, 1, Integer::sum);
          answered++;
        }
      }
      selector.selectedKeys().clear();
    }
    long sentMillis = (System.nanoTime() - started) / 1_000_000;
    // Let the last requests reach their wait before probing.
    Thread.sleep(2000);
    int earlyAnswers = drain(selector, statuses, 0);
    answered += earlyAnswers;

    double[] health = new double[probes];
    double[] completed = new double[probes];
    int healthOk = 0;
    int completedOk = 0;
    for (int i = 0; i < probes; i++) {
      long t = System.nanoTime();
      healthOk += get(address, "/health") == 200 ? 1 : 0;
      health[i] = (System.nanoTime() - t) / 1e6;
      t = System.nanoTime();
      completedOk += post(address, "A prompt completed before the waiters came") == 200 ? 1 : 0;
      completed[i] = (System.nanoTime() - t) / 1e6;
      answered += drain(selector, statuses, 0);
      Thread.sleep(10);
    }
    Files.writeString(ready, "probed\n"); // the script reads threads and RSS, then stops Genie

    long deadline = System.nanoTime() + 120_000_000_000L;
    while (answered < waiters && System.nanoTime() < deadline) {
      answered += drain(selector, statuses, 200);
    }
    System.out.printf("waiters=%d%nprompts=%d%nsent_ms=%d%n", waiters, prompts, sentMillis);
    System.out.printf("answered_before_stop=%d%n", earlyAnswers);
    System.out.printf("health_ok=%d/%d%ncompleted_ok=%d/%d%n", healthOk, probes, completedOk, probes);
    print("health", health);
    print("completed_post", completed);
    System.out.println("waiter_statuses=" + statuses.toString().replace(" ", ""));
  }

  private record Conn(ByteBuffer request, ByteBuffer response) {
    Conn(ByteBuffer request) {
      this(request, ByteBuffer.allocate(4096));
    }
  }

  /** Reads what arrived; returns how many answers completed (the server closes after each). */
  private static int drain(Selector selector, Map<Integer, Integer> statuses, long millis)
      throws IOException {
    if (millis > 0) {
      selector.select(millis);
    } else {
      selector.selectNow();
    }
    int done = 0;
    for (SelectionKey key : selector.selectedKeys()) {
      Conn conn = (Conn) key.attachment();
      SocketChannel channel = (SocketChannel) key.channel();
      try {
        int n = conn.response.hasRemaining() ? channel.read(conn.response) : -1;
        if (n < 0) {
          String head = new String(conn.response.array(), 0, Math.min(12, conn.response.position()));
          int status = head.startsWith("HTTP/1.1 ") ? Integer.parseInt(head.substring(9, 12)) : -1;
          statuses.merge(status, 1, Integer::sum);
          key.cancel();
          channel.close();
          done++;
        }
      } catch (IOException e) {
        statuses.merge(-1, 1, Integer::sum);
        key.cancel();
        channel.close();
        done++;
      }
    }
    selector.selectedKeys().clear();
    return done;
  }

  private static byte[] request(String prompt) {
    String body = "{\"prompt\":\"" + prompt + "\"}";
    return ("POST /prompts HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            + "Content-Type: application/json\r\nContent-Length: "
            + body.length()
            + "\r\n\r\n"
            + body)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static int post(InetSocketAddress address, String prompt) throws IOException {
    return exchange(address, request(prompt));
  }

  private static int get(InetSocketAddress address, String path) throws IOException {
    return exchange(
        address,
        ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
  }

  private static int exchange(InetSocketAddress address, byte[] request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(address, 30_000);
      socket.setSoTimeout(60_000);
      socket.getOutputStream().write(request);
      byte[] head = socket.getInputStream().readNBytes(12);
      socket.getInputStream().readAllBytes();
      String text = new String(head, StandardCharsets.ISO_8859_1);
      return text.startsWith("HTTP/1.1 ") ? Integer.parseInt(text.substring(9, 12)) : -1;
    }
  }

  private static void print(String name, double[] millis) {
    double[] sorted = millis.clone();
    Arrays.sort(sorted);
    System.out.printf(
        "%s_ms p50=%.2f p99=%.2f max=%.2f%n",
        name,
        sorted[(int) Math.floor(0.50 * (sorted.length - 1))],
        sorted[(int) Math.ceil(0.99 * (sorted.length - 1))],
        sorted[sorted.length - 1]);
  }
}
