package dev.genie.http.internal.web;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HttpString;

/** The headers every HTML page and download is served with, in one place. */
public final class SecurityHeaders {
  private static final HttpString CONTENT_SECURITY_POLICY =
      HttpString.tryFromString("Content-Security-Policy");
  private static final HttpString CONTENT_TYPE_OPTIONS =
      HttpString.tryFromString("X-Content-Type-Options");
  private static final HttpString REFERRER_POLICY = HttpString.tryFromString("Referrer-Policy");

  private SecurityHeaders() {}

  /** No sniffing, no referrer leaving the site, and {@code policy} as the CSP. */
  public static void apply(HttpServerExchange exchange, String policy) {
    HeaderMap headers = exchange.getResponseHeaders();
    headers.put(CONTENT_SECURITY_POLICY, policy);
    headers.put(CONTENT_TYPE_OPTIONS, "nosniff");
    headers.put(REFERRER_POLICY, "no-referrer");
  }
}
