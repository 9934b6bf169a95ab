package dev.genie.http.internal.prompts;

import dev.genie.core.Orchestrator;
import dev.genie.http.config.SettingNames;
import dev.genie.http.internal.exchange.Responses;
import dev.genie.http.internal.metrics.ServerMeters;
import dev.genie.http.internal.web.SecurityHeaders;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.StoredPrompt;
import dev.genie.render.HtmlRenderer;
import dev.genie.render.ResultView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /prompts/{id}/preview}: the result as an HTML page without script. A pending result's
 * page says so and reloads itself through the {@code Refresh} header; a failed one shows its error.
 * {@code HEAD} gets the headers and renders nothing.
 */
public final class PreviewHandler implements HttpHandler {
  /** Seconds between reloads of a pending result's page. */
  static final int REFRESH_SECONDS = 2;

  private static final HttpString REFRESH = HttpString.tryFromString("Refresh");

  private final Orchestrator orchestrator;
  private final HtmlRenderer renderer = new HtmlRenderer();
  private final Counter renders;

  public PreviewHandler(Orchestrator orchestrator, MeterRegistry registry) {
    this.orchestrator = orchestrator;
    this.renders = ServerMeters.renders(registry, "preview");
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    ResultView view = view(PromptHandlers.existing(orchestrator, exchange));
    SecurityHeaders.apply(exchange, HtmlRenderer.CONTENT_SECURITY_POLICY);
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
    if (view.status() == ResultStatus.PENDING) {
      exchange.getResponseHeaders().put(REFRESH, Integer.toString(REFRESH_SECONDS));
    }
    if (exchange.getRequestMethod().equals(Methods.HEAD)) {
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
      Responses.empty(exchange);
      return;
    }
    renders.increment();
    byte[] page = renderer.render(view).getBytes(StandardCharsets.UTF_8);
    Responses.send(exchange, "text/html; charset=utf-8", page);
  }

  /** The prompt's view, its error naming keys as the API's does ({@link SettingNames}). */
  private static ResultView view(StoredPrompt stored) {
    ResultView view = ResultView.of(stored);
    return new ResultView(
        view.promptId(),
        view.resultId(),
        view.status(),
        view.prompt(),
        view.created(),
        view.envelope(),
        view.error().map(SettingNames::toKeys));
  }
}
