package dev.genie.http.internal.auth;

import dev.genie.core.GenieException;
import dev.genie.http.internal.errors.HttpErrorCode;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The admission when keys are off. A loopback bind is only safe while what connects from this
 * machine is a program of its operator: a reverse proxy on the same machine brings the whole
 * internet in from 127.0.0.1, and a browser page from another site can reach the port under a name
 * that resolves here (DNS rebinding). So a request that shows a proxy in front of it ({@code
 * Forwarded}, {@code X-Forwarded-*}, {@code X-Real-IP}, {@code Via}) or names a {@code Host} that
 * is not a loopback name or address (nor one of {@code GENIE_ALLOWED_HOSTS}) is refused with 403,
 * naming {@code GENIE_AUTH}. Names are compared as written, never resolved.
 */
public final class LocalCallersAdmission implements Admission {
  private static final Set<String> PROXY_HEADERS = Set.of("forwarded", "x-real-ip", "via");
  private static final Pattern LOOPBACK_V4 =
      Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

  private final Set<String> allowedHosts;

  /**
   * @param allowedHosts host names answered besides loopback ones, lower case, without ports
   */
  public LocalCallersAdmission(List<String> allowedHosts) {
    this.allowedHosts = Set.copyOf(allowedHosts);
  }

  @Override
  public void admit(HttpServerExchange exchange) {
    for (HeaderValues header : exchange.getRequestHeaders()) {
      String name = header.getHeaderName().toString().toLowerCase(Locale.ROOT);
      if (PROXY_HEADERS.contains(name) || name.startsWith("x-forwarded-")) {
        throw refused(
            "this request came through a proxy (it carries "
                + header.getHeaderName()
                + "), and behind a proxy everyone arrives from this machine",
            "serve it with GENIE_AUTH=keys (keys create)");
      }
    }
    String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
    if (host != null && !answered(hostName(host))) {
      throw refused(
          "the request names the Host '"
              + (host.length() > 100 ? host.substring(0, 100) + "…" : host)
              + "', which is not this machine (a loopback name or address) nor one of"
              + " GENIE_ALLOWED_HOSTS",
          "serve it with GENIE_AUTH=keys (keys create), or list the name in GENIE_ALLOWED_HOSTS"
              + " if only trusted programs use it");
    }
  }

  private boolean answered(String name) {
    return isLoopback(name) || allowedHosts.contains(name);
  }

  /** The host of a {@code Host} header, lower case, without its port or a final dot. */
  static String hostName(String header) {
    String host = header.strip().toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end < 0 ? host : host.substring(0, end + 1);
    }
    int colon = host.lastIndexOf(':');
    if (colon >= 0) {
      host = host.substring(0, colon);
    }
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }

  /** {@code localhost} and its subdomains (RFC 6761), 127.0.0.0/8 and {@code [::1]}. */
  static boolean isLoopback(String name) {
    return name.equals("localhost")
        || name.endsWith(".localhost")
        || name.equals("[::1]")
        || LOOPBACK_V4.matcher(name).matches();
  }

  private static GenieException refused(String why, String fix) {
    return new GenieException(
        HttpErrorCode.FORBIDDEN,
        "keys are off (GENIE_AUTH=off), so Genie answers only programs on this machine; "
            + why
            + "; "
            + fix);
  }
}
