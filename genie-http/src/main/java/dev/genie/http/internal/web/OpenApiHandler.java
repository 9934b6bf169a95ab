package dev.genie.http.internal.web;

import dev.genie.http.internal.exchange.Responses;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code GET /openapi.yaml}: the OpenAPI document of the HTTP API, kept beside this class. */
public final class OpenApiHandler implements HttpHandler {
  /** The document's resource name, relative to this class. */
  public static final String RESOURCE = "openapi.yaml";

  private final byte[] document;

  public OpenApiHandler() {
    try (InputStream in = OpenApiHandler.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the jar; this is a bug");
      }
      document = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + RESOURCE, e);
    }
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    Responses.send(exchange, "application/yaml; charset=utf-8", document);
  }
}
