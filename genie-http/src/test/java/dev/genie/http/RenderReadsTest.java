package dev.genie.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Preview and PDF reads: each leaves an audit line; a PDF is rendered once per result however often
 * it is exported; {@code HEAD} renders nothing. Renderings are counted by {@code
 * genie_renders_total}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RenderReadsTest extends LocalGenieTest {
  private final Logger audit = (Logger) LoggerFactory.getLogger("dev.genie.http.audit");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  @AfterEach
  void detach() {
    audit.detachAppender(lines);
    audit.setLevel(null);
  }

  @Test
  void repeatsAndHeadsRenderNothingAndEveryReadIsAudited() throws Exception {
    lines.start();
    audit.addAppender(lines);
    audit.setLevel(Level.INFO);
    start(Map.of());
    String id = field(post("/prompts", "{\"prompt\":\"a poem to export\"}").body(), "promptId");
    String pdf = "/prompts/" + id + "/export.pdf";
    String preview = "/prompts/" + id + "/preview";

    for (int i = 0; i < 3; i++) {
      HttpResponse<String> got = get(pdf);
      assertThat(got.statusCode()).isEqualTo(200);
      assertThat(got.body()).startsWith("%PDF-");
    }
    for (String path : List.of(pdf, pdf, preview, preview)) {
      HttpResponse<String> head = send(request(path).method("HEAD", BodyPublishers.noBody()));
      assertThat(head.statusCode()).as("HEAD %s", path).isEqualTo(200);
      assertThat(head.headers().firstValue("Content-Type")).isPresent();
    }
    assertThat(get(preview).body()).contains("a poem to export");

    String metrics = get("/metrics").body();
    assertThat(metrics)
        .contains("genie_renders_total{kind=\"pdf\"} 1.0")
        .contains("genie_renders_total{kind=\"preview\"} 1.0");
    awaitAuditLines(9);
    assertThat(routes()).filteredOn(route -> route.equals("/prompts/{id}/export.pdf")).hasSize(5);
    assertThat(routes()).filteredOn(route -> route.equals("/prompts/{id}/preview")).hasSize(3);
    assertThat(lines.list)
        .map(ILoggingEvent::getFormattedMessage)
        .filteredOn(line -> line.contains("/prompts/{id}/"))
        .allMatch(line -> line.contains("promptId=\"" + id + "\""));
  }

  /** The audit lines are written once each answer is complete: after the client has it. */
  private void awaitAuditLines(int atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (routes().stream().filter(route -> route.startsWith("/prompts/{id}/")).count() < atLeast
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  private List<String> routes() {
    return List.copyOf(lines.list).stream()
        .map(ILoggingEvent::getFormattedMessage)
        .map(line -> line.replaceAll(".* route=\"([^\"]*)\".*", "$1"))
        .toList();
  }
}
