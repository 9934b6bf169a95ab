package dev.genie.http.internal.web;

import dev.genie.core.GenieException;
import dev.genie.http.internal.errors.HttpErrorCode;
import dev.genie.http.internal.exchange.Responses;
import dev.genie.http.internal.exchange.Routes;
import dev.genie.render.HtmlRenderer;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code GET /}, {@code GET /assets/{id}} and {@code GET /favicon.ico}: the web page, its one
 * script, its style and its icon, served from the jar as they are (no build step). The page may run
 * only that script, and talk only to this server.
 */
public final class WebPage {
  // The preview's style hash too: a preview the page fetched with the key opens as a blob URL, and
  // a blob document keeps the policy of the page that made it.
  static final String POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self' '"
          + HtmlRenderer.STYLE_HASH
          + "'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none';"
          + " frame-ancestors 'none'";

  private static final Asset PAGE = Asset.read("index.html", "text/html; charset=utf-8");

  /** Asked for by browsers for every page of this server, the preview's too. */
  private static final Asset ICON = Asset.read("favicon.ico", "image/vnd.microsoft.icon");

  private static final String ICON_PATH = "/favicon.ico";
  private static final Map<String, Asset> ASSETS =
      Map.of(
          "app.js", Asset.read("app.js", "text/javascript; charset=utf-8"),
          "app.css", Asset.read("app.css", "text/css; charset=utf-8"));

  /**
   * The page and its assets, exactly: static and free of data, so they are served without a key and
   * the page can ask for one.
   */
  public static final Set<String> PATHS =
      Stream.concat(
              Stream.of("/", ICON_PATH), ASSETS.keySet().stream().map(name -> "/assets/" + name))
          .collect(Collectors.toUnmodifiableSet());

  private WebPage() {}

  private record Asset(byte[] bytes, String type) {
    static Asset read(String name, String type) {
      String resource = "web/" + name;
      try (InputStream in = WebPage.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException(resource + " is missing from the jar; this is a bug");
        }
        return new Asset(in.readAllBytes(), type);
      } catch (IOException e) {
        throw new UncheckedIOException("could not read " + resource, e);
      }
    }
  }

  public static HttpHandler page() {
    return exchange -> send(exchange, PAGE);
  }

  public static HttpHandler icon() {
    return exchange -> send(exchange, ICON);
  }

  public static HttpHandler assets() {
    return exchange -> {
      String name = Routes.id(exchange);
      Asset asset = ASSETS.get(name);
      if (asset == null) {
        throw new GenieException(
            HttpErrorCode.NOT_FOUND, "unknown asset; the page's assets are " + ASSETS.keySet());
      }
      send(exchange, asset);
    };
  }

  private static void send(HttpServerExchange exchange, Asset asset) {
    SecurityHeaders.apply(exchange, POLICY);
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
    Responses.send(exchange, asset.type(), asset.bytes());
  }
}
