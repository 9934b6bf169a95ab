package dev.genie.http.internal.auth;

import dev.genie.persistence.ApiKey;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;

/**
 * Who sent a request: the key it was accepted with, or nobody when keys are off.
 *
 * @param key the caller's key, or null when keys are off (or the route is open)
 */
public record Caller(ApiKey key) {
  public static final AttachmentKey<Caller> ATTACHMENT = AttachmentKey.create(Caller.class);

  /** Anyone, when keys are off: everything is in the default namespace. */
  public static final Caller ANYONE = new Caller(null);

  /** Who sent the exchange: {@link #ANYONE} unless a key was accepted. */
  public static Caller of(HttpServerExchange exchange) {
    Caller caller = exchange.getAttachment(ATTACHMENT);
    return caller == null ? ANYONE : caller;
  }

  /** The name audit lines and metrics use: the key's, or {@code -}. */
  public String name() {
    return key == null ? "-" : key.name();
  }

  public String namespace() {
    return key == null ? ApiKey.DEFAULT_NAMESPACE : key.namespace();
  }

  public boolean admin() {
    return key != null && key.admin();
  }
}
