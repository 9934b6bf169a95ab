package dev.genie.http.internal.accesslog;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.genie.http.internal.auth.Caller;
import dev.genie.http.internal.exchange.Routes;
import dev.genie.http.internal.prompts.PromptHandlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Around the prompt routes: one line per request on the logger {@code dev.genie.http.audit},
 * written when the answer is complete, whatever it was (a refused key too, as {@code key=-}):
 * {@code key=value} pairs, strings JSON-quoted. Never the key; the prompt text only when asked for
 * ({@code GENIE_AUDIT_PROMPTS=1}).
 */
public final class AuditHandler implements HttpHandler {
  /** The prompt the request named or created, when there is one. */
  public static final AttachmentKey<String> PROMPT_ID = AttachmentKey.create(String.class);

  /** The prompt text the request sent, when there is one. */
  public static final AttachmentKey<String> PROMPT_TEXT = AttachmentKey.create(String.class);

  private static final Logger audit = LoggerFactory.getLogger("dev.genie.http.audit");

  private final boolean withPrompts;
  private final HttpHandler next;

  public AuditHandler(boolean withPrompts, HttpHandler next) {
    this.withPrompts = withPrompts;
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    exchange.addExchangeCompleteListener(
        (done, nextListener) -> {
          try {
            audit.info(line(done));
          } finally {
            nextListener.proceed();
          }
        });
    next.handleRequest(exchange);
  }

  private String line(HttpServerExchange exchange) {
    Caller caller = Caller.of(exchange);
    String cache = exchange.getResponseHeaders().getFirst(PromptHandlers.GENIE_CACHE);
    String promptId = exchange.getAttachment(PROMPT_ID);
    if (promptId == null) {
      promptId = Routes.id(exchange);
    }
    StringBuilder line =
        new StringBuilder("audit time=")
            .append(Instant.now())
            .append(" requestId=")
            .append(RequestIds.of(exchange))
            .append(" key=")
            .append(quoted(caller.name()))
            .append(" namespace=")
            .append(quoted(caller.namespace()))
            .append(" method=")
            .append(exchange.getRequestMethod())
            .append(" route=")
            .append(quoted(Routes.template(exchange)))
            .append(" promptId=")
            .append(quoted(promptId))
            .append(" outcome=")
            .append(exchange.getStatusCode())
            .append(" cache=")
            .append(cache == null ? "-" : cache);
    String text = exchange.getAttachment(PROMPT_TEXT);
    if (withPrompts && text != null) {
      line.append(" prompt=").append(quoted(text));
    }
    return line.toString();
  }

  private static String quoted(String value) {
    if (value == null) {
      return "-";
    }
    return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + '"';
  }
}
