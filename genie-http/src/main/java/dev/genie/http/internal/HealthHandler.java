package dev.genie.http.internal;

import dev.genie.persistence.PromptStore;
import dev.genie.persistence.StoreException;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.time.Duration;
import java.util.Map;

/** {@code GET /health}: 200 when the store answers now, 503 when it does not. */
public final class HealthHandler implements HttpHandler {
  private static final Duration PING_TIMEOUT = Duration.ofSeconds(2);

  private final PromptStore store;

  public HealthHandler(PromptStore store) {
    this.store = store;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    try {
      store.ping(PING_TIMEOUT);
      Responses.json(exchange, Json.health("ok", store.name(), store.describe()));
    } catch (StoreException e) {
      exchange.setStatusCode(503);
      exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
      Responses.json(
          exchange, Json.health("unavailable", store.name(), Map.of("reason", e.getMessage())));
    }
  }
}
