package dev.genie.http.internal.json;

import dev.genie.core.GenieException;
import dev.genie.http.internal.errors.HttpErrorCode;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Accepts request bodies declared as JSON in UTF-8 only. */
public final class RequestBodies {
  private RequestBodies() {}

  /**
   * @throws GenieException {@link HttpErrorCode#UNSUPPORTED_MEDIA_TYPE} unless the body is declared
   *     {@code application/json} in UTF-8
   */
  public static void requireJson(HttpServerExchange exchange) {
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
   * The body as text, in strict UTF-8: a JSON parser would decode overlong forms (such as C0 AF for
   * '/') and code points past U+10FFFF instead of refusing them.
   *
   * @throws GenieException {@link HttpErrorCode#INVALID_JSON} when it is not UTF-8
   */
  public static String utf8(byte[] body) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw new GenieException(HttpErrorCode.INVALID_JSON, "the body is not valid UTF-8");
    }
  }

  private static boolean isUtf8(String charset) {
    String name = charset.strip().replace("\"", "");
    return name.equalsIgnoreCase("utf-8") || name.equalsIgnoreCase("utf8");
  }

  private static GenieException unsupported(String message) {
    return new GenieException(HttpErrorCode.UNSUPPORTED_MEDIA_TYPE, message);
  }
}
