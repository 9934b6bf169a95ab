package dev.genie.http.internal.exchange;

import dev.genie.http.internal.accesslog.RequestIds;
import dev.genie.http.internal.errors.HttpErrorCode;
import dev.genie.http.internal.errors.HttpErrors;
import io.undertow.io.IoCallback;
import io.undertow.io.Receiver;
import io.undertow.io.Sender;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.server.protocol.http.HttpContinue;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * Reads a request body on the connection's IO thread, within {@code GENIE_MAX_BODY_BYTES} and
 * {@code GENIE_REQUEST_TIMEOUT_MS}, answering {@code Expect: 100-continue} first: a body that
 * arrives slowly holds no thread at all.
 */
public final class BodyReader {
  private static final Logger log = LoggerFactory.getLogger(BodyReader.class);
  private static final byte[] NO_BODY = new byte[0];

  private final int maxBodyBytes;
  private final Duration timeout;

  public BodyReader(int maxBodyBytes, Duration timeout) {
    this.maxBodyBytes = maxBodyBytes;
    this.timeout = timeout;
  }

  /** Calls {@code then} with the whole body, or answers the request itself when it cannot. */
  void read(HttpServerExchange exchange, BiConsumer<HttpServerExchange, byte[]> then) {
    if (exchange.isRequestComplete()) {
      then.accept(exchange, NO_BODY);
      return;
    }
    if (exchange.getRequestContentLength() > maxBodyBytes) {
      tooLarge(exchange); // no 100 Continue: the client need not send the body at all
      return;
    }
    if (!HttpContinue.requiresContinueResponse(exchange)) {
      receive(exchange, then);
      return;
    }
    // The client waits for this before it sends the body.
    HttpContinue.sendContinueResponse(
        exchange,
        new IoCallback() {
          @Override
          public void onComplete(HttpServerExchange continued, Sender sender) {
            receive(continued, then);
          }

          @Override
          public void onException(HttpServerExchange failed, Sender sender, IOException exception) {
            log.info(
                "request {}: 100 Continue could not be sent: {}",
                RequestIds.of(failed),
                exception.toString());
            IoUtils.safeClose(failed.getConnection());
          }
        });
  }

  private void receive(HttpServerExchange exchange, BiConsumer<HttpServerExchange, byte[]> then) {
    // Whichever comes first settles the exchange: the body, a failure, or the deadline.
    AtomicBoolean settled = new AtomicBoolean();
    XnioExecutor.Key deadline =
        exchange
            .getIoThread()
            .executeAfter(
                () -> {
                  if (settled.compareAndSet(false, true)) {
                    unreadable(
                        exchange, "took longer than " + timeout.toMillis() + " ms to arrive");
                  }
                },
                timeout.toMillis(),
                TimeUnit.MILLISECONDS);
    Receiver receiver = exchange.getRequestReceiver();
    receiver.setMaxBufferSize(maxBodyBytes);
    receiver.receiveFullBytes(
        (received, body) -> {
          if (settled.compareAndSet(false, true)) {
            deadline.remove();
            then.accept(received, body);
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

  /** The connection is closed after the answer, so the rest of the body is never drained. */
  private void tooLarge(HttpServerExchange exchange) {
    exchange.setPersistent(false);
    HttpErrors.send(
        exchange,
        HttpErrorCode.BODY_TOO_LARGE,
        "the body is larger than " + maxBodyBytes + " bytes (GENIE_MAX_BODY_BYTES)");
  }

  private void unreadable(HttpServerExchange exchange, String why) {
    exchange.setPersistent(false);
    HttpErrors.send(
        exchange,
        HttpErrorCode.INVALID_JSON,
        "the body could not be read in full: it "
            + why
            + " (GENIE_REQUEST_TIMEOUT_MS is "
            + timeout.toMillis()
            + " ms)");
  }
}
