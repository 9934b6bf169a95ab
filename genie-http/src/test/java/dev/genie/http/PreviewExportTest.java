package dev.genie.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The preview, the PDF export and the web page over HTTP, on the legacy store. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PreviewExportTest extends LocalGenieTest {
  @Test
  void theCompletedPreviewIsAnHtmlPageWithoutScriptAndStrictHeaders() throws Exception {
    start(Map.of());
    String id = created("Ein <b>Gedicht</b> über Herbst");

    HttpResponse<String> preview = get("/prompts/" + id + "/preview");

    assertThat(preview.statusCode()).isEqualTo(200);
    assertThat(preview.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(preview.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(preview.headers().firstValue("Referrer-Policy")).contains("no-referrer");
    assertThat(preview.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(
            csp ->
                assertThat(csp)
                    .startsWith("default-src 'none';")
                    .contains("style-src 'sha256-")
                    .doesNotContain("script-src"));
    assertThat(preview.headers().firstValue("Refresh")).isEmpty();
    assertThat(preview.headers().firstValue("Genie-Storage")).contains("legacy");
    assertThat(preview.body())
        .contains("Ein &lt;b&gt;Gedicht&lt;/b&gt; über Herbst", "genie-sample-1")
        .doesNotContain("<b>", "<script");
  }

  @Test
  void aPendingPreviewSaysSoAndRefreshesAndItsPdfIsNotReady() throws Exception {
    start(Map.of("GENIE_SAMPLE_DELAY_MS", "20000", "GENIE_WAIT_TIMEOUT_MS", "100"));
    HttpResponse<String> accepted = post("{\"prompt\":\"a slow poem\"}");
    assertThat(accepted.statusCode()).isEqualTo(202);
    String id = field(accepted.body(), "promptId");

    HttpResponse<String> preview = get("/prompts/" + id + "/preview");
    HttpResponse<String> pdf = get("/prompts/" + id + "/export.pdf");

    assertThat(preview.statusCode()).isEqualTo(200);
    assertThat(preview.headers().firstValue("Refresh")).contains("2");
    assertThat(preview.body()).contains("still being generated");
    assertError(pdf, 409, "NOT_READY");
    assertThat(field(pdf.body(), "message")).contains("still being generated");
  }

  @Test
  void theExportIsAPdfAttachmentNamedAfterTheTitleWithAnEntityTag() throws Exception {
    start(Map.of());
    String id = created("Осенняя песня: a poem");

    HttpResponse<byte[]> pdf =
        client.send(
            request("/prompts/" + id + "/export.pdf").GET().build(), BodyHandlers.ofByteArray());

    assertThat(pdf.statusCode()).isEqualTo(200);
    assertThat(pdf.headers().firstValue("Content-Type")).contains("application/pdf");
    assertThat(pdf.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(pdf.headers().firstValue("Content-Disposition"))
        .contains(
            "attachment; filename=\"osennyaya-pesnya-a-poem.pdf\"; filename*=UTF-8''"
                + "%D0%9E%D1%81%D0%B5%D0%BD%D0%BD%D1%8F%D1%8F%20%D0%BF%D0%B5%D1%81%D0%BD%D1%8F%20"
                + "a%20poem.pdf");
    String resultId = field(get("/prompts/" + id).body(), "resultId");
    assertThat(pdf.headers().firstValue("ETag")).contains("W/\"" + resultId + "-t2\"");
    try (PDDocument document = Loader.loadPDF(pdf.body())) {
      assertThat(new PDFTextStripper().getText(document)).contains("Осенняя песня: a poem");
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"THE_TAG", "STRONG_TAG", "\"other\", THE_TAG", "*"})
  void aMatchingIfNoneMatchGetsA304WithoutABody(String ifNoneMatch) throws Exception {
    start(Map.of());
    String id = created("cached poem");
    String etag = get("/prompts/" + id + "/export.pdf").headers().firstValue("ETag").orElseThrow();

    HttpResponse<String> again =
        send(
            request("/prompts/" + id + "/export.pdf")
                .header(
                    "If-None-Match",
                    ifNoneMatch.replace("STRONG_TAG", etag.substring(2)).replace("THE_TAG", etag))
                .GET());

    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.headers().firstValue("ETag")).contains(etag);
    assertThat(again.body()).isEmpty();
  }

  @Test
  void anotherEntityTagGetsThePdf() throws Exception {
    start(Map.of());
    String id = created("changed poem");

    HttpResponse<String> other =
        send(
            request("/prompts/" + id + "/export.pdf")
                .header(
                    "If-None-Match",
                    "W/\"" + field(get("/prompts/" + id).body(), "resultId") + "-t0\"")
                .GET());

    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(other.body()).startsWith("%PDF-");
  }

  @Test
  void unknownIdsAndPathsAreJsonErrors() throws Exception {
    start(Map.of());

    assertError(get("/prompts/nope/preview"), 404, "NOT_FOUND");
    assertError(get("/prompts/nope/export.pdf"), 404, "NOT_FOUND");
    assertError(get("/prompts//preview"), 404, "NOT_FOUND");
    assertError(get("/prompts/a/b/preview"), 404, "NOT_FOUND");
    assertError(get("/prompts/a/preview/more"), 404, "NOT_FOUND");
    assertError(get("/assets/nothing.js"), 404, "NOT_FOUND");
    HttpResponse<String> posted =
        send(request("/prompts/a/preview").POST(BodyPublishers.ofString("")));
    assertError(posted, 405, "METHOD_NOT_ALLOWED");
    assertThat(posted.headers().firstValue("Allow")).contains("GET, HEAD");
  }

  @Test
  void theWebPageAndItsAssetsComeFromTheJarWithTheirOwnPolicy() throws Exception {
    start(Map.of());

    HttpResponse<String> page = get("/");
    HttpResponse<String> script = get("/assets/app.js");
    HttpResponse<String> style = get("/assets/app.css");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(
            csp ->
                assertThat(csp)
                    .contains("script-src 'self'", "connect-src 'self'")
                    .doesNotContain("unsafe"));
    assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(page.body())
        .contains("<script src=\"/assets/app.js\" defer></script>")
        .doesNotContainPattern("<script>|<script [^s]|\\son[a-z]+=");
    assertThat(script.headers().firstValue("Content-Type"))
        .contains("text/javascript; charset=utf-8");
    assertThat(script.body()).contains("textContent").doesNotContain("innerHTML", "outerHTML");
    for (dev.genie.core.ErrorCode code : dev.genie.http.internal.errors.HttpErrorCode.all()) {
      assertThat(script.body()).as("the page's sentence for " + code).contains(code + ": '");
    }
    assertThat(style.headers().firstValue("Content-Type")).contains("text/css; charset=utf-8");
  }

  @Test
  void theIconThatBrowsersAskForIsThereWithoutAKey() throws Exception {
    start(Map.of("GENIE_AUTH", "keys"));

    HttpResponse<byte[]> icon =
        client.send(request("/favicon.ico").GET().build(), BodyHandlers.ofByteArray());

    assertThat(icon.statusCode()).isEqualTo(200);
    assertThat(icon.headers().firstValue("Content-Type")).contains("image/vnd.microsoft.icon");
    assertThat(icon.body()).startsWith(0, 0, 1, 0); // an ICO file's header
  }

  private String created(String prompt) throws Exception {
    HttpResponse<String> created = post("{\"prompt\":\"" + prompt.replace("\"", "\\\"") + "\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    return field(created.body(), "promptId");
  }

  private HttpResponse<String> post(String json) throws Exception {
    return post("/prompts", json);
  }
}
