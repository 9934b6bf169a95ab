package dev.genie.http.internal.accesslog;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HttpString;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** Gives every exchange an id: the client's {@code X-Request-Id} when sane, else a new one. */
public final class RequestIds {
  public static final HttpString HEADER = HttpString.tryFromString("X-Request-Id");
  private static final AttachmentKey<String> KEY = AttachmentKey.create(String.class);
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private RequestIds() {}

  /** Assigns the id and echoes it on the response. */
  public static String assign(HttpServerExchange exchange) {
    String sent = exchange.getRequestHeaders().getFirst(HEADER);
    String id = sent != null && SANE.matcher(sent).matches() ? sent : fresh();
    exchange.putAttachment(KEY, id);
    exchange.getResponseHeaders().put(HEADER, id);
    return id;
  }

  public static String of(HttpServerExchange exchange) {
    String id = exchange.getAttachment(KEY);
    return id == null ? assign(exchange) : id;
  }

  private static String fresh() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return Long.toHexString(random.nextLong() | Long.MIN_VALUE)
        + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
  }
}
