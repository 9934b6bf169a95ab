package dev.genie.http.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Who may ask: callers with keys, or anyone who reaches the port.
 *
 * @param keys whether requests need {@code Authorization: Bearer <key>} ({@code GENIE_AUTH})
 * @param spelledOut whether {@code GENIE_AUTH} was set rather than derived from the bind address
 * @param loopbackBind whether the server binds only loopback ({@code GENIE_HOST})
 * @param auditPrompts whether audit lines carry the prompt text ({@code GENIE_AUDIT_PROMPTS})
 * @param allowedHosts with keys off, the {@code Host} names answered besides loopback ones ({@code
 *     GENIE_ALLOWED_HOSTS}), lower case, without ports
 */
public record AuthSettings(
    boolean keys,
    boolean spelledOut,
    boolean loopbackBind,
    boolean auditPrompts,
    List<String> allowedHosts) {

  /** Open to this machine: what a library user or a test on loopback gets. */
  public static final AuthSettings OFF = new AuthSettings(false, true, true, false, List.of());

  static final Key<String> AUTH =
      Key.described(
          "GENIE_AUTH", "keys", Parser.TEXT, "keys unless GENIE_HOST is loopback, then off");
  static final Key<Boolean> AUDIT_PROMPTS =
      Key.of("GENIE_AUDIT_PROMPTS", "auditPrompts", Parser.FLAG, "off");
  static final Key<String> ALLOWED_HOSTS =
      Key.described("GENIE_ALLOWED_HOSTS", "allowedHosts", Parser.TEXT, "—");

  static final KeyTable<Void> TABLE =
      KeyTable.<Void>of(AuthSettings.class).withKeys(AUTH, AUDIT_PROMPTS, ALLOWED_HOSTS);

  public AuthSettings {
    allowedHosts = List.copyOf(allowedHosts);
  }

  static AuthSettings from(Env env, String host) {
    boolean loopback = isLoopback(host);
    boolean audit = AUDIT_PROMPTS.value(env);
    List<String> hosts = allowedHosts(env);
    return AUTH.read(env)
        .map(
            value ->
                switch (value.toLowerCase(Locale.ROOT)) {
                  case "keys" -> new AuthSettings(true, true, loopback, audit, hosts);
                  case "off" -> new AuthSettings(false, true, loopback, audit, hosts);
                  default -> throw Env.invalid(AUTH.name(), value, "keys or off");
                })
        // Secure by default: as soon as anything but this machine can connect, keys are needed.
        .orElseGet(() -> new AuthSettings(!loopback, false, loopback, audit, hosts));
  }

  /** {@code GENIE_ALLOWED_HOSTS}: a comma list of host names or addresses, without ports. */
  private static List<String> allowedHosts(Env env) {
    List<String> hosts =
        ALLOWED_HOSTS.read(env).stream()
            .flatMap(value -> Arrays.stream(value.split(",")))
            .map(host -> host.strip().toLowerCase(Locale.ROOT))
            .filter(host -> !host.isEmpty())
            .toList();
    for (String host : hosts) {
      if (!host.matches("[a-z0-9.-]+|\\[[0-9a-f:.]+]")) {
        throw Env.invalid(
            ALLOWED_HOSTS.name(),
            String.join(",", hosts),
            "a comma list of host names or addresses without ports, such as genie.internal,[::1]");
      }
    }
    return hosts;
  }

  /** One line for the startup log: who may ask, and why. */
  public String describe() {
    if (keys) {
      return "callers need a key (GENIE_AUTH=keys"
          + (spelledOut ? ")" : ", as GENIE_HOST is not loopback)");
    }
    String answered =
        "requests through a proxy (Forwarded, X-Forwarded-*, X-Real-IP, Via) or naming a Host"
            + " other than loopback"
            + (allowedHosts.isEmpty() ? "" : " or " + String.join(", ", allowedHosts))
            + " are refused (GENIE_ALLOWED_HOSTS)";
    return loopbackBind
        ? "no keys (GENIE_AUTH=off): only programs on this machine can ask and read; " + answered
        : "no keys (GENIE_AUTH=off spelled out): anyone who reaches the port may ask and read; "
            + answered;
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
