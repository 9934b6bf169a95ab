package dev.genie.http.internal.health;

import dev.genie.http.internal.auth.Caller;
import dev.genie.http.internal.exchange.Responses;
import dev.genie.http.internal.json.Json;
import dev.genie.persistence.PromptStore;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.time.Duration;
import java.util.Map;

/**
 * {@code GET /health}: 200 when the store answers, 503 when it does not, from a {@link HealthCheck}
 * that asks it at most once a second and holds no caller long. With keys on, a caller without an
 * admin key learns only that, and the store's name that every answer's {@code Genie-Storage} header
 * carries anyway: never its host, port, database, user, pool or schema, nor what a failure said.
 */
public final class HealthHandler implements HttpHandler {
  private static final Duration PING_TIMEOUT = Duration.ofSeconds(2);

  private final PromptStore store;
  private final boolean detailsForAll;
  private final HealthCheck check;

  /**
   * @param detailsForAll whether every caller gets the details (keys off), or admin keys only
   */
  public HealthHandler(PromptStore store, boolean detailsForAll) {
    this.store = store;
    this.detailsForAll = detailsForAll;
    this.check = new HealthCheck(() -> store.ping(PING_TIMEOUT), System::nanoTime);
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    HealthCheck.Outcome outcome = check.check();
    boolean details = detailsForAll || Caller.of(exchange).admin();
    if (outcome.ok()) {
      Responses.json(
          exchange, Json.health("ok", store.name(), details ? store.describe() : Map.of()));
      return;
    }
    exchange.setStatusCode(503);
    exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
    Responses.json(
        exchange,
        Json.health(
            "unavailable", store.name(), details ? Map.of("reason", outcome.failure()) : Map.of()));
  }
}
