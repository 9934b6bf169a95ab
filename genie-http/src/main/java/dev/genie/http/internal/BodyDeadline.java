package dev.genie.http.internal;

import io.undertow.server.ConduitWrapper;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.ConduitFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.xnio.channels.ReadTimeoutException;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.StreamSourceConduit;

/**
 * Bounds the time a request body may take to arrive, in total, so that a client sending it slowly
 * (a byte now and then) holds a request thread for no longer than that. Past the deadline the
 * blocked read fails; the answer closes the connection.
 */
final class BodyDeadline implements ConduitWrapper<StreamSourceConduit> {
  private final long deadlineNanos;
  private final Duration timeout;

  private BodyDeadline(Duration timeout) {
    this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    this.timeout = timeout;
  }

  /** Starts the clock; call before the body is first read. */
  static void start(HttpServerExchange exchange, Duration timeout) {
    exchange.addRequestWrapper(new BodyDeadline(timeout));
  }

  @Override
  public StreamSourceConduit wrap(
      ConduitFactory<StreamSourceConduit> factory, HttpServerExchange exchange) {
    return new Bounded(factory.create());
  }

  private final class Bounded extends AbstractStreamSourceConduit<StreamSourceConduit> {
    Bounded(StreamSourceConduit next) {
      super(next);
    }

    @Override
    public void awaitReadable() throws IOException {
      awaitReadable(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }

    @Override
    public void awaitReadable(long time, TimeUnit unit) throws IOException {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        throw new ReadTimeoutException(
            "the body did not arrive within " + timeout.toMillis() + " ms");
      }
      next.awaitReadable(Math.min(unit.toNanos(time), left), TimeUnit.NANOSECONDS);
    }
  }
}
