package dev.genie.it.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** A plain HTTP/1.1 client for one Genie server, so tests see exactly what a caller sees. */
public final class GenieClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectWriter PLAIN = JSON.writer();
  // A lone surrogate has no UTF-8 form; written as a JSON escape it reaches the server intact.
  private static final ObjectWriter ESCAPED = JSON.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);

  private final String base;
  private final Duration timeout;
  private final HttpClient http;
  private final String authorization;

  /**
   * @param baseUri the server, e.g. {@code http://127.0.0.1:41234}
   * @param requestTimeout how long one request may take before it fails with a timeout
   */
  public GenieClient(URI baseUri, Duration requestTimeout) {
    this(baseUri, requestTimeout, null);
  }

  /**
   * A client that sends {@code Authorization: Bearer <key>} with every request.
   *
   * @param key the key, or null to send none
   */
  public GenieClient(URI baseUri, Duration requestTimeout, String key) {
    this.authorization = key == null ? null : "Bearer " + key;
    String text = baseUri.toString();
    this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    this.timeout = requestTimeout;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(requestTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  public URI baseUri() {
    return URI.create(base);
  }

  /** {@code POST /prompts} with {@code {"prompt": rawPrompt}}. */
  public GenieResponse post(String rawPrompt) throws IOException, InterruptedException {
    return post("/prompts", "application/json", promptBody(rawPrompt));
  }

  /** A POST with any body and content type, for malformed-input tests. */
  public GenieResponse post(String path, String contentType, String body)
      throws IOException, InterruptedException {
    HttpRequest request =
        request(path)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    return send(request);
  }

  /** A GET of a path such as {@code /prompts/{id}} or {@code /health}. */
  public GenieResponse get(String path) throws IOException, InterruptedException {
    return send(request(path).GET().build());
  }

  /** {@code {"prompt": rawPrompt}} as JSON. */
  public static String promptBody(String rawPrompt) {
    ObjectWriter writer = hasLoneSurrogate(rawPrompt) ? ESCAPED : PLAIN;
    try {
      return writer.writeValueAsString(Map.of("prompt", rawPrompt));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return "GenieClient " + base;
  }

  private HttpRequest.Builder request(String path) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/': " + path);
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(timeout)
            .header("Accept", "application/json");
    return authorization == null ? request : request.header("Authorization", authorization);
  }

  private GenieResponse send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new GenieResponse(response.statusCode(), response.headers(), response.body());
  }

  private static boolean hasLoneSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
