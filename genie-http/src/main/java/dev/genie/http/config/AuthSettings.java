package dev.genie.http.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Who may ask: callers with keys, or anyone who reaches the port.
 *
 * @param keys whether requests need {@code Authorization: Bearer <key>} ({@code GENIE_AUTH})
 * @param spelledOut whether {@code GENIE_AUTH} was set rather than derived from the bind address
 * @param loopbackBind whether the server binds only loopback ({@code GENIE_HOST})
 * @param auditPrompts whether audit lines carry the prompt text ({@code GENIE_AUDIT_PROMPTS})
 */
public record AuthSettings(
    boolean keys, boolean spelledOut, boolean loopbackBind, boolean auditPrompts) {

  /** Open to all: what a library user or a test on loopback gets. */
  public static final AuthSettings OFF = new AuthSettings(false, true, true, false);

  static AuthSettings from(Env env, String host) {
    boolean loopback = isLoopback(host);
    boolean audit = env.flag("GENIE_AUDIT_PROMPTS");
    return env.get("GENIE_AUTH")
        .map(
            value ->
                switch (value.toLowerCase(Locale.ROOT)) {
                  case "keys" -> new AuthSettings(true, true, loopback, audit);
                  case "off" -> new AuthSettings(false, true, loopback, audit);
                  default -> throw Env.invalid("GENIE_AUTH", value, "keys or off");
                })
        // Secure by default: as soon as anything but this machine can connect, keys are needed.
        .orElseGet(() -> new AuthSettings(!loopback, false, loopback, audit));
  }

  /** One line for the startup log: who may ask, and why. */
  public String describe() {
    if (keys) {
      return "callers need a key (GENIE_AUTH=keys"
          + (spelledOut ? ")" : ", as GENIE_HOST is not loopback)");
    }
    return loopbackBind
        ? "no keys (GENIE_AUTH=off): only this machine can connect"
        : "no keys (GENIE_AUTH=off spelled out): anyone who reaches the port may ask and read";
  }

  /**
   * Whether {@code host} names only this machine. A name that does not resolve is not loopback:
   * binding it would fail anyway, and keys are the safe side.
   */
  static boolean isLoopback(String host) {
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
