package dev.genie.it.support;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.http.HttpHeaders;

/** One answer from Genie: status, headers, the body as sent, and the body parsed as JSON. */
public final class GenieResponse {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final int status;
  private final HttpHeaders headers;
  private final String body;
  private final JsonNode json;

  public GenieResponse(int status, HttpHeaders headers, String body) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.json = parse(body);
  }

  public int status() {
    return status;
  }

  public boolean isSuccess() {
    return status >= 200 && status < 300;
  }

  public HttpHeaders headers() {
    return headers;
  }

  /** The first value of a header, or null. */
  public String header(String name) {
    return headers.firstValue(name).orElse(null);
  }

  public String body() {
    return body;
  }

  /** The parsed body; a missing node when the body is not JSON. */
  public JsonNode json() {
    return json;
  }

  /** A top-level string field of the body, or null when absent or not a string. */
  public String text(String field) {
    JsonNode node = json.path(field);
    return node.isTextual() ? node.textValue() : null;
  }

  /** {@code error.code} of an error body, or null. */
  public String errorCode() {
    JsonNode node = json.path("error").path("code");
    return node.isTextual() ? node.textValue() : null;
  }

  /**
   * The {@code envelope} field exactly as the server wrote it, so that responses can be compared
   * byte for byte; null when absent or JSON null.
   */
  public String envelopeText() {
    return rawField(body, "envelope");
  }

  @Override
  public String toString() {
    return "HTTP " + status + " " + body;
  }

  private static JsonNode parse(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      return node == null ? MissingNode.getInstance() : node;
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }

  /** The source text of a top-level field's value, cut from the body by the parser's offsets. */
  private static String rawField(String body, String name) {
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (!field.equals(name)) {
          parser.skipChildren();
          continue;
        }
        if (value == JsonToken.VALUE_NULL) {
          return null;
        }
        if (!value.isStructStart()) {
          return JSON.readTree(parser).toString();
        }
        int start = (int) parser.currentTokenLocation().getCharOffset();
        parser.skipChildren();
        int end = (int) parser.currentLocation().getCharOffset();
        return body.substring(start, end);
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }
}
