package dev.genie.generator.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An OpenAI-compatible endpoint on a loopback port, in the real wire format: {@code POST
 * /v1/chat/completions} answers with the next scripted {@link Reply} (the default one when none is
 * left), a completion numbered by its call ({@code "id":"chatcmpl-fake-3"}), so that two answers
 * with one id came from one call; {@code GET /v1/models} lists its models. It counts calls,
 * remembers each request's body and Authorization header, and records the most calls it saw at
 * once.
 */
public final class FakeOpenAi implements AutoCloseable {
  public static final String MODEL = "fake-model";
  private static final String UNNUMBERED_ID = "\"chatcmpl-fake\"";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
  private final AtomicReference<Reply> fallback =
      new AtomicReference<>(Reply.pages("Autumn", "Leaves fall."));
  private final AtomicReference<Reply> modelsReply = new AtomicReference<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();
  private final AtomicInteger modelListings = new AtomicInteger();
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final List<String> callAuthorizations = new CopyOnWriteArrayList<>();

  /**
   * One answer of the endpoint: a status, headers, a body, after an optional delay; {@code
   * bodyDelay} holds the body back after the head was sent, and {@code release}, when set, holds
   * the whole answer until it is counted down.
   */
  public record Reply(
      int status,
      String retryAfter,
      String body,
      Duration delay,
      Duration bodyDelay,
      CountDownLatch release) {

    public static Reply pages(String title, String... paragraphs) {
      ObjectNode page = JSON.createObjectNode().put("title", title);
      ArrayNode blocks = page.putArray("paragraphs");
      for (String paragraph : paragraphs) {
        blocks.add(paragraph);
      }
      ObjectNode root = JSON.createObjectNode();
      root.putArray("pages").add(page);
      return completion(root.toString(), "stop", null);
    }

    public static Reply text(String content) {
      return completion(content, "stop", null);
    }

    public static Reply cutOff(String content) {
      return completion(content, "length", null);
    }

    public static Reply refusal(String why) {
      return completion(null, "stop", why);
    }

    public static Reply status(int status, String retryAfter) {
      return new Reply(
          status,
          retryAfter,
          "{\"error\":{\"message\":\"status " + status + "\",\"type\":\"test\"}}",
          Duration.ZERO,
          Duration.ZERO,
          null);
    }

    public static Reply raw(int status, String body) {
      return new Reply(status, null, body, Duration.ZERO, Duration.ZERO, null);
    }

    /** This completion reporting other token counts than its 12 read and 34 written. */
    public Reply usage(long promptTokens, long completionTokens) {
      String counts =
          "\"prompt_tokens\":"
              + promptTokens
              + ",\"completion_tokens\":"
              + completionTokens
              + ",\"total_tokens\":"
              + (promptTokens + completionTokens);
      return new Reply(
          status,
          retryAfter,
          body.replace("\"prompt_tokens\":12,\"completion_tokens\":34,\"total_tokens\":46", counts),
          delay,
          bodyDelay,
          release);
    }

    public Reply after(Duration delay) {
      return new Reply(status, retryAfter, body, delay, bodyDelay, release);
    }

    /** Sends the head at once and the body only after {@code bodyDelay}. */
    public Reply bodyAfter(Duration bodyDelay) {
      return new Reply(status, retryAfter, body, delay, bodyDelay, release);
    }

    /** Hangs until {@code release} is counted down, as an upstream call that never ends would. */
    public Reply heldUntil(CountDownLatch release) {
      return new Reply(status, retryAfter, body, delay, bodyDelay, release);
    }

    private static Reply completion(String content, String finishReason, String refusal) {
      ObjectNode root =
          JSON.createObjectNode()
              .put("id", "chatcmpl-fake")
              .put("object", "chat.completion")
              .put("created", 1_700_000_000L)
              .put("model", MODEL);
      ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
      ObjectNode message = choice.putObject("message").put("role", "assistant");
      message.put("content", content);
      if (refusal != null) {
        message.put("refusal", refusal);
      }
      choice.put("finish_reason", finishReason);
      root.putObject("usage")
          .put("prompt_tokens", 12)
          .put("completion_tokens", 34)
          .put("total_tokens", 46);
      return new Reply(200, null, root.toString(), Duration.ZERO, Duration.ZERO, null);
    }
  }

  public FakeOpenAi() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "fake-openai");
              thread.setDaemon(true);
              return thread;
            }));
    server.createContext("/v1/chat/completions", this::complete);
    server.createContext("/v1/models", this::models);
    server.start();
  }

  /** The base URL to configure: {@code http://127.0.0.1:port/v1}. */
  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
  }

  /** Answers the next calls with these replies, in order. */
  public FakeOpenAi then(Reply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  /** Answers every call without a scripted reply with this one. */
  public FakeOpenAi always(Reply reply) {
    fallback.set(reply);
    return this;
  }

  /** Answers {@code GET /models} with this reply instead of the list. */
  public FakeOpenAi modelsAnswer(Reply reply) {
    modelsReply.set(reply);
    return this;
  }

  public int calls() {
    return calls.get();
  }

  public int mostAtOnce() {
    return mostAtOnce.get();
  }

  public int modelListings() {
    return modelListings.get();
  }

  public List<String> bodies() {
    return List.copyOf(bodies);
  }

  public List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  /** The Authorization header of each chat completion call, in the order they arrived. */
  public List<String> callAuthorizations() {
    return List.copyOf(callAuthorizations);
  }

  private void complete(HttpExchange exchange) throws IOException {
    int now = inFlight.incrementAndGet();
    mostAtOnce.accumulateAndGet(now, Math::max);
    try {
      bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      authorizations.add(authorization);
      callAuthorizations.add(authorization);
      // Counted last: whoever sees the count sees the call's body and header too.
      int call = calls.incrementAndGet();
      Reply reply = script.poll();
      if (reply == null) {
        reply = fallback.get();
      }
      if (!reply.delay().isZero() || reply.release() != null) {
        try {
          Thread.sleep(reply.delay().toMillis());
          if (reply.release() != null) {
            reply.release().await();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      send(
          exchange,
          reply.status(),
          reply.retryAfter(),
          reply.body().replace(UNNUMBERED_ID, "\"chatcmpl-fake-" + call + "\""),
          reply.bodyDelay());
    } finally {
      inFlight.decrementAndGet();
      exchange.close();
    }
  }

  private void models(HttpExchange exchange) throws IOException {
    modelListings.incrementAndGet();
    authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
    Reply instead = modelsReply.get();
    if (instead != null) {
      send(exchange, instead.status(), instead.retryAfter(), instead.body());
      exchange.close();
      return;
    }
    ObjectNode root = JSON.createObjectNode().put("object", "list");
    ArrayNode data = root.putArray("data");
    for (String id : List.of(MODEL, "other-model")) {
      data.addObject().put("id", id).put("object", "model").put("owned_by", "fake");
    }
    send(exchange, 200, null, root.toString());
    exchange.close();
  }

  private static void send(HttpExchange exchange, int status, String retryAfter, String body)
      throws IOException {
    send(exchange, status, retryAfter, body, Duration.ZERO);
  }

  private static void send(
      HttpExchange exchange, int status, String retryAfter, String body, Duration bodyDelay)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    if (retryAfter != null) {
      exchange.getResponseHeaders().set("Retry-After", retryAfter);
    }
    exchange.sendResponseHeaders(status, bytes.length);
    if (!bodyDelay.isZero()) {
      exchange.getResponseBody().flush();
      try {
        Thread.sleep(bodyDelay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
