package dev.genie.http.internal.limits;

import dev.genie.core.Answer;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The places of requests parked while they wait for a result ({@code GENIE_MAX_WAITING_REQUESTS}),
 * shared by every route that waits: a parked request holds no thread, only its place.
 */
public final class WaitingRequests {
  private final int max;
  private final AtomicInteger count = new AtomicInteger();

  public WaitingRequests(int max) {
    this.max = max;
  }

  /** Counts a request in; false when no place was free (it still leaves, as every request does). */
  public boolean enter() {
    return count.incrementAndGet() <= max;
  }

  public void leave() {
    count.decrementAndGet();
  }

  int count() {
    return count.get();
  }

  /**
   * Answers {@code exchange} through {@code answered} once {@code answer} settles, and leaves then:
   * at once when it has settled already, else from whichever thread settles it, through the
   * connection's IO thread.
   */
  public void answerWhenSettled(
      HttpServerExchange exchange,
      CompletableFuture<Answer> answer,
      BiConsumer<HttpServerExchange, CompletableFuture<Answer>> answered) {
    if (answer.isDone()) {
      leave();
      answered.accept(exchange, answer);
      return;
    }
    // Registered once the handler has returned: the answer is then sent from whichever thread
    // settles it.
    exchange.dispatch(
        SameThreadExecutor.INSTANCE,
        () ->
            answer.whenComplete(
                (settled, failure) -> {
                  leave();
                  answered.accept(exchange, answer);
                }));
  }
}
