package dev.genie.http.internal.auth;

import io.undertow.server.HttpServerExchange;

/** Decides, on a worker thread before a route's handler runs, whether the caller may proceed. */
@FunctionalInterface
public interface Admission {
  /** Everyone: keys are off. */
  Admission ANYONE = exchange -> {};

  /**
   * Returns when the caller may proceed.
   *
   * @throws dev.genie.core.GenieException answered to the caller when it may not
   */
  void admit(HttpServerExchange exchange);
}
