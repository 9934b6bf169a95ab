package dev.genie.http.internal;

import dev.genie.core.ErrorCode;
import dev.genie.core.GenieException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads request bodies in blocking mode, within the configured size, as JSON in UTF-8 only. */
final class RequestBodies {
  private static final Logger log = LoggerFactory.getLogger(RequestBodies.class);

  private RequestBodies() {}

  /**
   * @throws GenieException {@link ErrorCode#UNSUPPORTED_MEDIA_TYPE} unless the body is declared
   *     {@code application/json} in UTF-8
   */
  static void requireJson(HttpServerExchange exchange) {
    String contentType = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
    if (contentType == null) {
      throw unsupported("send Content-Type: application/json");
    }
    String[] parts = contentType.split(";");
    if (!parts[0].strip().equalsIgnoreCase("application/json")) {
      throw unsupported(
          "Content-Type must be application/json, not "
              + parts[0].strip().toLowerCase(Locale.ROOT));
    }
    for (int i = 1; i < parts.length; i++) {
      String[] parameter = parts[i].strip().split("=", 2);
      if (parameter[0].strip().equalsIgnoreCase("charset")
          && (parameter.length < 2 || !isUtf8(parameter[1]))) {
        throw unsupported("the body must be UTF-8 (charset=utf-8)");
      }
    }
  }

  /**
   * The whole body, refusing anything past {@code maxBytes} without reading it all, and any body
   * that takes longer than {@code timeout} to arrive. The connection is closed after either answer,
   * so the rest is never drained.
   *
   * @throws GenieException {@link ErrorCode#BODY_TOO_LARGE}; {@link ErrorCode#INVALID_JSON} when
   *     the body cannot be read in full
   */
  static byte[] read(HttpServerExchange exchange, int maxBytes, Duration timeout) {
    long declared = exchange.getRequestContentLength();
    if (declared > maxBytes) {
      throw tooLarge(exchange, maxBytes);
    }
    BodyDeadline.start(exchange, timeout);
    byte[] body;
    try {
      // Not closed: closing would read on to the end of a body we refuse.
      body = exchange.getInputStream().readNBytes(maxBytes + 1);
    } catch (IOException e) {
      exchange.setPersistent(false);
      log.info("request {}: the body could not be read: {}", RequestIds.of(exchange), e.toString());
      throw new GenieException(
          ErrorCode.INVALID_JSON,
          "the body could not be read in full: it ended early, was badly chunked, or took longer"
              + " than "
              + timeout.toMillis()
              + " ms to arrive (GENIE_REQUEST_TIMEOUT_MS)");
    }
    if (body.length > maxBytes) {
      throw tooLarge(exchange, maxBytes);
    }
    return body;
  }

  private static boolean isUtf8(String charset) {
    String name = charset.strip().replace("\"", "");
    return name.equalsIgnoreCase("utf-8") || name.equalsIgnoreCase("utf8");
  }

  private static GenieException tooLarge(HttpServerExchange exchange, int maxBytes) {
    exchange.setPersistent(false);
    return new GenieException(
        ErrorCode.BODY_TOO_LARGE,
        "the body is larger than " + maxBytes + " bytes (GENIE_MAX_BODY_BYTES)");
  }

  private static GenieException unsupported(String message) {
    return new GenieException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, message);
  }
}
