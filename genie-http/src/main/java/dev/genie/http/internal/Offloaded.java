package dev.genie.http.internal;

import dev.genie.core.ErrorCode;
import io.undertow.io.IoCallback;
import io.undertow.io.Receiver;
import io.undertow.io.Sender;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.server.protocol.http.HttpContinue;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * Keeps each request's I/O on its connection's IO thread and its blocking work on a worker thread:
 * the body is read on the IO thread (within {@code GENIE_MAX_BODY_BYTES} and {@code
 * GENIE_REQUEST_TIMEOUT_MS}), the handlers run on a worker, and {@link #send} hands the answer back
 * to the IO thread. An exchange that ends on a worker makes Undertow's IO thread spin until the
 * worker has reset the connection, which under load on a small machine costs as much CPU as the
 * request itself. A body that arrives slowly holds no thread at all.
 */
public final class Offloaded implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(Offloaded.class);
  private static final AttachmentKey<byte[]> BODY = AttachmentKey.create(byte[].class);
  private static final byte[] NO_BODY = new byte[0];
  private static final String CONTINUE = "100-continue";

  private final int maxBodyBytes;
  private final Duration bodyTimeout;
  private final WorkLimit work;
  private final HttpHandler next;

  public Offloaded(int maxBodyBytes, Duration bodyTimeout, WorkLimit work, HttpHandler next) {
    this.maxBodyBytes = maxBodyBytes;
    this.bodyTimeout = bodyTimeout;
    this.work = work;
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    String expect = exchange.getRequestHeaders().getFirst(Headers.EXPECT);
    if (expect != null && !expect.equalsIgnoreCase(CONTINUE)) {
      exchange.setPersistent(false); // the body, if any, was never read
      HttpErrors.send(
          exchange,
          ErrorCode.EXPECTATION_FAILED,
          "the only expectation Genie meets is Expect: 100-continue");
      return;
    }
    if (exchange.isRequestComplete()) {
      work.dispatch(exchange, next);
      return;
    }
    if (exchange.getRequestContentLength() > maxBodyBytes) {
      tooLarge(exchange); // no 100 Continue: the client need not send the body at all
      return;
    }
    if (HttpContinue.requiresContinueResponse(exchange)) {
      // The client waits for this before it sends the body.
      HttpContinue.sendContinueResponse(
          exchange,
          new IoCallback() {
            @Override
            public void onComplete(HttpServerExchange continued, Sender sender) {
              receive(continued);
            }

            @Override
            public void onException(
                HttpServerExchange failed, Sender sender, java.io.IOException exception) {
              log.info(
                  "request {}: 100 Continue could not be sent: {}",
                  RequestIds.of(failed),
                  exception.toString());
              IoUtils.safeClose(failed.getConnection());
            }
          });
      return;
    }
    receive(exchange);
  }

  /** Reads the body on the IO thread, then runs the handlers on a worker. */
  private void receive(HttpServerExchange exchange) {
    // Whichever comes first settles the exchange: the body, a failure, or the deadline.
    AtomicBoolean settled = new AtomicBoolean();
    XnioExecutor.Key deadline =
        exchange
            .getIoThread()
            .executeAfter(
                () -> {
                  if (settled.compareAndSet(false, true)) {
                    unreadable(
                        exchange, "took longer than " + bodyTimeout.toMillis() + " ms to arrive");
                  }
                },
                bodyTimeout.toMillis(),
                TimeUnit.MILLISECONDS);
    Receiver receiver = exchange.getRequestReceiver();
    receiver.setMaxBufferSize(maxBodyBytes);
    receiver.receiveFullBytes(
        (received, body) -> {
          if (settled.compareAndSet(false, true)) {
            deadline.remove();
            received.putAttachment(BODY, body);
            work.dispatch(received, next);
          }
        },
        (failed, failure) -> {
          if (!settled.compareAndSet(false, true)) {
            return;
          }
          deadline.remove();
          if (failure instanceof Receiver.RequestToLargeException
              || failure instanceof RequestTooBigException) {
            tooLarge(failed);
          } else {
            log.info(
                "request {}: the body could not be read: {}",
                RequestIds.of(failed),
                failure.toString());
            unreadable(failed, "ended early or was badly chunked");
          }
        });
  }

  /** The request body, read before the handlers ran; empty when there was none. */
  static byte[] body(HttpServerExchange exchange) {
    byte[] body = exchange.getAttachment(BODY);
    return body == null ? NO_BODY : body;
  }

  /** Sends {@code body} as the whole answer, from the connection's IO thread. */
  static void send(HttpServerExchange exchange, ByteBuffer body) {
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

  /** The connection is closed after the answer, so the rest of the body is never drained. */
  private void tooLarge(HttpServerExchange exchange) {
    exchange.setPersistent(false);
    HttpErrors.send(
        exchange,
        ErrorCode.BODY_TOO_LARGE,
        "the body is larger than " + maxBodyBytes + " bytes (GENIE_MAX_BODY_BYTES)");
  }

  private void unreadable(HttpServerExchange exchange, String why) {
    exchange.setPersistent(false);
    HttpErrors.send(
        exchange,
        ErrorCode.INVALID_JSON,
        "the body could not be read in full: it "
            + why
            + " (GENIE_REQUEST_TIMEOUT_MS is "
            + bodyTimeout.toMillis()
            + " ms)");
  }
}
