package dev.genie.it.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genie.it.support.Exchange.Outcome;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * A thread-safe record of the requests a test made, with their timing and what came back, for
 * invariant checks, the run's summary and the failure artifacts.
 */
public final class History {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Instant startedAt = Instant.now();
  private final long startNanos = System.nanoTime();
  private final AtomicLong sequence = new AtomicLong();
  private final ConcurrentLinkedQueue<Exchange> exchanges = new ConcurrentLinkedQueue<>();

  /** Nanoseconds since this history began. */
  public long nanosSinceStart() {
    return System.nanoTime() - startNanos;
  }

  /**
   * Posts a prompt and records the exchange. A failure to get a response is recorded, not thrown;
   * an interrupt is recorded as an error and the thread's interrupt flag is restored.
   */
  public Exchange send(int client, GenieClient genie, String rawPrompt) {
    long seq = sequence.incrementAndGet();
    long invoked = nanosSinceStart();
    try {
      GenieResponse response = genie.post(rawPrompt);
      return add(seq, client, rawPrompt, invoked, nanosSinceStart(), response, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return add(seq, client, rawPrompt, invoked, nanosSinceStart(), null, e);
    } catch (IOException | RuntimeException e) {
      return add(seq, client, rawPrompt, invoked, nanosSinceStart(), null, e);
    }
  }

  /** Records a response to a request that the test sent itself. */
  public Exchange record(
      int client, String rawPrompt, long invokeNanos, long completeNanos, GenieResponse response) {
    return add(
        sequence.incrementAndGet(), client, rawPrompt, invokeNanos, completeNanos, response, null);
  }

  /** Records a request that the test sent itself and that got no response. */
  public Exchange recordFailure(
      int client, String rawPrompt, long invokeNanos, long completeNanos, Throwable failure) {
    return add(
        sequence.incrementAndGet(), client, rawPrompt, invokeNanos, completeNanos, null, failure);
  }

  /** A snapshot of all exchanges, in the order they were started. */
  public List<Exchange> exchanges() {
    return exchanges.stream()
        .sorted(Comparator.comparingLong(Exchange::seq))
        .collect(Collectors.toUnmodifiableList());
  }

  public int size() {
    return exchanges.size();
  }

  /** One line: N, outcomes, HTTP statuses and p50/p99/max latency. */
  public String summary() {
    List<Exchange> all = exchanges();
    Map<Outcome, Long> outcomes =
        all.stream()
            .collect(Collectors.groupingBy(Exchange::outcome, TreeMap::new, Collectors.counting()));
    Map<Integer, Long> statuses =
        all.stream()
            .filter(e -> e.outcome() == Outcome.OK)
            .collect(
                Collectors.groupingBy(Exchange::httpStatus, TreeMap::new, Collectors.counting()));
    double[] latencies = all.stream().mapToDouble(Exchange::latencyMs).sorted().toArray();
    return String.format(
        "N=%d outcomes=%s http=%s latency p50=%.1fms p99=%.1fms max=%.1fms",
        all.size(),
        outcomes,
        statuses,
        percentile(latencies, 0.50),
        percentile(latencies, 0.99),
        latencies.length == 0 ? 0.0 : latencies[latencies.length - 1]);
  }

  /** Writes the summary and every exchange as JSON, for the failure artifacts. */
  public void writeJson(Path file) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("startedAt", startedAt.toString());
    root.put("summary", summary());
    ArrayNode array = root.putArray("exchanges");
    for (Exchange e : exchanges()) {
      ObjectNode node = array.addObject();
      node.put("seq", e.seq());
      node.put("client", e.client());
      node.put("thread", e.thread());
      node.put("rawPrompt", e.rawPrompt());
      node.put("invokeNanos", e.invokeNanos());
      node.put("completeNanos", e.completeNanos());
      node.put("latencyMs", e.latencyMs());
      node.put("outcome", e.outcome().name());
      node.put("failure", e.failure());
      node.put("httpStatus", e.httpStatus());
      node.put("genieStorage", e.genieStorage());
      node.put("requestId", e.requestId());
      node.put("location", e.location());
      node.put("promptId", e.promptId());
      node.put("resultId", e.resultId());
      node.put("resultStatus", e.resultStatus());
      node.put("normalizedPrompt", e.normalizedPrompt());
      // Kept as text: the exact bytes are what INV-2 compares.
      node.put("envelope", e.envelope());
      node.put("errorCode", e.errorCode());
      node.put("genieCache", e.genieCache());
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    JSON.writeValue(file.toFile(), root);
  }

  @Override
  public String toString() {
    return summary();
  }

  private Exchange add(
      long seq,
      int client,
      String rawPrompt,
      long invoked,
      long completed,
      GenieResponse response,
      Throwable failure) {
    Exchange exchange;
    String thread = Thread.currentThread().getName();
    if (response == null) {
      Outcome outcome = failure instanceof HttpTimeoutException ? Outcome.TIMEOUT : Outcome.ERROR;
      String text = failure == null ? "no response" : failure.toString();
      exchange =
          new Exchange(
              seq, client, thread, rawPrompt, invoked, completed, outcome, text, -1, null, null,
              null, null, null, null, null, null, null, null);
    } else {
      exchange =
          new Exchange(
              seq,
              client,
              thread,
              rawPrompt,
              invoked,
              completed,
              Outcome.OK,
              null,
              response.status(),
              response.header("Genie-Storage"),
              response.header("X-Request-Id"),
              response.header("Location"),
              response.text("promptId"),
              response.text("resultId"),
              response.text("status"),
              response.text("normalizedPrompt"),
              response.envelopeText(),
              response.errorCode(),
              response.header("Genie-Cache"));
    }
    exchanges.add(exchange);
    return exchange;
  }

  /** Nearest-rank percentile of sorted values. */
  private static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return 0.0;
    }
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
