package dev.genie.http.internal;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/** Turns anything a handler throws into a JSON error, so no stack trace reaches a caller. */
public final class Guarded implements HttpHandler {
  private final HttpHandler next;

  public Guarded(HttpHandler next) {
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    try {
      next.handleRequest(exchange);
    } catch (Throwable failure) {
      HttpErrors.send(exchange, failure);
    }
  }
}
