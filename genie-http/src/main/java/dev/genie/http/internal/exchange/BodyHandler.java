package dev.genie.http.internal.exchange;

import io.undertow.server.HttpServerExchange;

/** Handles a request whose body has been read in full; runs on a worker thread. */
@FunctionalInterface
public interface BodyHandler {
  void handleRequest(HttpServerExchange exchange, byte[] body) throws Exception;
}
