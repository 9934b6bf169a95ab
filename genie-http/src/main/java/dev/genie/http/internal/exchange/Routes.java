package dev.genie.http.internal.exchange;

import dev.genie.http.internal.errors.HttpErrorCode;
import dev.genie.http.internal.errors.HttpErrors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.PathTemplateMatch;
import io.undertow.util.PathTemplateMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Genie's few routes, matched by Undertow's {@link RoutingHandler}. An unknown path is a 404; a
 * known path with another method is a 405 that lists, in {@code Allow}, the methods the path does
 * take. HEAD is answered wherever GET is, with GET's status and headers and no body (Undertow drops
 * the body of an answer to HEAD). A path parameter is never empty, and a path never ends in a
 * slash.
 */
public final class Routes {
  /** What metrics and logs call a request that matched no route. */
  public static final String UNMATCHED = "unmatched";

  private final RoutingHandler routing = new RoutingHandler(false);
  private final PathTemplateMatcher<Set<String>> allowed = new PathTemplateMatcher<>();
  private final List<String> described = new ArrayList<>();

  public Routes() {
    routing.setFallbackHandler(Routes::notFound);
    routing.setInvalidMethodHandler(this::methodNotAllowed);
  }

  public Routes add(HttpString method, String template, HttpHandler handler) {
    HttpHandler strict =
        exchange -> {
          if (exact(exchange.getRelativePath(), id(exchange))) {
            handler.handleRequest(exchange);
          } else {
            notFound(exchange);
          }
        };
    routing.add(method, template, strict);
    Set<String> methods = allowed.get(template);
    if (methods == null) {
      methods = new LinkedHashSet<>();
      allowed.add(template, methods);
    }
    methods.add(method.toString());
    if (method.equals(Methods.GET)) {
      routing.add(Methods.HEAD, template, strict);
      methods.add(Methods.HEAD_STRING);
    }
    described.add(method + " " + template);
    return this;
  }

  /** Every route's method and template, as {@code "GET /health"}. */
  public List<String> describe() {
    return List.copyOf(described);
  }

  /** The handler that routes. */
  public HttpHandler handler() {
    return routing;
  }

  /** The matched route's template, for metrics and logs; {@link #UNMATCHED} otherwise. */
  public static String template(HttpServerExchange exchange) {
    PathTemplateMatch match = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
    return match == null ? UNMATCHED : match.getMatchedTemplate();
  }

  /** The {@code {id}} of a templated path, or null. */
  public static String id(HttpServerExchange exchange) {
    PathTemplateMatch match = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
    return match == null ? null : match.getParameters().get("id");
  }

  /** Undertow's templates also match an empty parameter and a trailing slash: Genie's do not. */
  private static boolean exact(String path, String id) {
    return (path.length() == 1 || !path.endsWith("/")) && (id == null || !id.isEmpty());
  }

  private static void notFound(HttpServerExchange exchange) {
    exchange.removeAttachment(PathTemplateMatch.ATTACHMENT_KEY);
    HttpErrors.send(
        exchange, HttpErrorCode.NOT_FOUND, "no route for " + exchange.getRelativePath());
  }

  private void methodNotAllowed(HttpServerExchange exchange) {
    String path = exchange.getRelativePath();
    PathTemplateMatcher.PathMatchResult<Set<String>> match = allowed.match(path);
    if (match == null || !exact(path, match.getParameters().get("id"))) {
      notFound(exchange);
      return;
    }
    String methods = String.join(", ", match.getValue());
    exchange.getResponseHeaders().put(Headers.ALLOW, methods);
    HttpErrors.send(
        exchange,
        HttpErrorCode.METHOD_NOT_ALLOWED,
        exchange.getRequestMethod() + " is not allowed on " + path + "; use " + methods);
  }
}
