package dev.genie.http.internal.auth;

import dev.genie.core.GenieException;
import dev.genie.http.internal.errors.HttpErrorCode;
import dev.genie.http.internal.limits.CallerLimits;
import dev.genie.http.internal.web.WebPage;
import dev.genie.persistence.ApiKey;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.Optional;
import java.util.Set;

/**
 * The admission when keys are on: {@code /health} and the web page with its assets are open
 * (static, no data: the page asks for a key and sends it on every call); the admin routes need an
 * admin key from every address, loopback too (behind a reverse proxy on this machine, everyone
 * arrives from loopback); everything else needs a live key, within its rate. The key is never
 * logged nor echoed, only its name.
 */
public final class KeyAdmission implements Admission {
  private static final String HEALTH = "/health";
  private static final Set<String> ADMIN = Set.of("/metrics", "/openapi.yaml");

  private final KeyCache keys;
  private final CallerLimits limits;

  public KeyAdmission(KeyCache keys, CallerLimits limits) {
    this.keys = keys;
    this.limits = limits;
  }

  @Override
  public void admit(HttpServerExchange exchange) {
    String path = exchange.getRelativePath();
    if (path.equals(HEALTH)) {
      admitToHealth(exchange);
      return;
    }
    if (WebPage.PATHS.contains(path)) {
      return;
    }
    if (ADMIN.contains(path)) {
      ApiKey key = authenticate(exchange);
      if (!key.admin()) {
        throw new GenieException(
            HttpErrorCode.FORBIDDEN, path + " answers admin keys only (keys create --admin)");
      }
      exchange.putAttachment(Caller.ATTACHMENT, new Caller(key));
      return;
    }
    ApiKey key = authenticate(exchange);
    limits.admit(key);
    exchange.putAttachment(Caller.ATTACHMENT, new Caller(key));
  }

  /**
   * {@code /health} is open; an admin key sent with it gets the details. Any other key, valid or
   * not, is the open answer rather than an error: a load balancer's check must not fail on it.
   */
  private void admitToHealth(HttpServerExchange exchange) {
    if (exchange.getRequestHeaders().contains(Headers.AUTHORIZATION)) {
      try {
        exchange.putAttachment(Caller.ATTACHMENT, new Caller(authenticate(exchange)));
      } catch (RuntimeException e) {
        // the open answer, also when the store cannot be asked about the key
      }
    }
  }

  private ApiKey authenticate(HttpServerExchange exchange) {
    Optional<String> sent =
        ApiKeys.fromAuthorization(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION));
    if (sent.isEmpty()) {
      throw new GenieException(
          HttpErrorCode.UNAUTHENTICATED, "send a key as 'Authorization: Bearer genie_…'");
    }
    return keys.find(ApiKeys.hash(sent.get()))
        .orElseThrow(
            () ->
                new GenieException(HttpErrorCode.UNAUTHENTICATED, "the key is unknown or revoked"));
  }
}
