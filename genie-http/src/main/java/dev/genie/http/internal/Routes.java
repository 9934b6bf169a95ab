package dev.genie.http.internal;

import dev.genie.core.ErrorCode;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Genie's few routes. An unknown path is a 404; a known path with another method is a 405 that
 * lists, in {@code Allow}, the methods the path does take. HEAD is answered wherever GET is, with
 * GET's status and headers and no body (Undertow drops the body of an answer to HEAD).
 */
public final class Routes implements HttpHandler {
  /** The matched route's template, for metrics and logs; "unmatched" otherwise. */
  public static final AttachmentKey<String> TEMPLATE = AttachmentKey.create(String.class);

  /** The {@code {id}} of a templated path. */
  public static final AttachmentKey<String> ID = AttachmentKey.create(String.class);

  private record Route(HttpString method, String template, HttpHandler handler) {
    /** The path parameter when the path matches, or null; "" for a path without one. */
    String match(String path) {
      int brace = template.indexOf("{id}");
      if (brace < 0) {
        return template.equals(path) ? "" : null;
      }
      String prefix = template.substring(0, brace);
      String suffix = template.substring(brace + "{id}".length());
      if (!path.startsWith(prefix)
          || !path.endsWith(suffix)
          || path.length() <= prefix.length() + suffix.length()) {
        return null;
      }
      String id = path.substring(prefix.length(), path.length() - suffix.length());
      return id.indexOf('/') >= 0 ? null : id;
    }
  }

  private final List<Route> routes = new ArrayList<>();

  public Routes add(HttpString method, String template, HttpHandler handler) {
    routes.add(new Route(method, template, handler));
    return this;
  }

  /** Every route's method and template, as {@code "GET /health"}. */
  public List<String> describe() {
    return routes.stream().map(r -> r.method() + " " + r.template()).toList();
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    String path = exchange.getRelativePath();
    HttpString method = exchange.getRequestMethod();
    HttpString asMethod = method.equals(Methods.HEAD) ? Methods.GET : method;
    StringJoiner allowed = new StringJoiner(", ");
    for (Route route : routes) {
      String id = route.match(path);
      if (id == null) {
        continue;
      }
      if (route.method().equals(asMethod)) {
        exchange.putAttachment(TEMPLATE, route.template());
        if (!id.isEmpty()) {
          exchange.putAttachment(ID, id);
        }
        route.handler().handleRequest(exchange);
        return;
      }
      allowed.add(route.method().toString());
      if (route.method().equals(Methods.GET)) {
        allowed.add(Methods.HEAD_STRING);
      }
    }
    exchange.putAttachment(TEMPLATE, "unmatched");
    if (allowed.length() == 0) {
      HttpErrors.send(exchange, ErrorCode.NOT_FOUND, "no route for " + path);
    } else {
      exchange.getResponseHeaders().put(Headers.ALLOW, allowed.toString());
      HttpErrors.send(
          exchange,
          ErrorCode.METHOD_NOT_ALLOWED,
          exchange.getRequestMethod() + " is not allowed on " + path + "; use " + allowed);
    }
  }
}
