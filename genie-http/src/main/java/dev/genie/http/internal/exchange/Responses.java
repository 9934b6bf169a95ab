package dev.genie.http.internal.exchange;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import org.xnio.IoUtils;

/**
 * The one place an answer leaves, always from the connection's IO thread. An exchange that ends on
 * a worker makes Undertow's IO thread spin until the worker has reset the connection, which under
 * load on a small machine costs as much CPU as the request itself.
 */
public final class Responses {
  private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

  private Responses() {}

  public static void json(HttpServerExchange exchange, byte[] body) {
    send(exchange, "application/json", body);
  }

  /** Sends {@code body} as the whole answer, declared as {@code contentType}. */
  public static void send(HttpServerExchange exchange, String contentType, byte[] body) {
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
    send(exchange, ByteBuffer.wrap(body));
  }

  /** Ends the exchange with the status and headers set so far and no body. */
  public static void empty(HttpServerExchange exchange) {
    send(exchange, NOTHING.duplicate());
  }

  private static void send(HttpServerExchange exchange, ByteBuffer body) {
    if (exchange.isInIoThread()) {
      exchange.getResponseSender().send(body);
      return;
    }
    try {
      exchange.dispatch(exchange.getIoThread(), done -> done.getResponseSender().send(body));
    } catch (RejectedExecutionException e) {
      // The server stopped past its grace: the connection goes with it.
      IoUtils.safeClose(exchange.getConnection());
    }
  }
}
