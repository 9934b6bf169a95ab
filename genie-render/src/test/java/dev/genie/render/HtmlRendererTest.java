package dev.genie.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The preview page: every text from a user or a model stays text, whatever it holds; pages and
 * blocks keep their order; pending and failed results say so.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HtmlRendererTest {
  /** Every element the template writes; markup smuggled in by a text would add another. */
  private static final Set<String> TEMPLATE_ELEMENTS =
      Set.of(
          "html", "head", "meta", "title", "style", "body", "header", "h1", "dl", "dt", "dd",
          "main", "p", "div", "section", "h2", "span", "bdi", "footer");

  /** The fields that hold a user's or a model's text: an RTL override must not leak out. */
  private static final Set<String> USER_TEXT =
      Set.of("h1", "prompt", "model", "page-title", "block block-text", "error");

  private final HtmlRenderer renderer = new HtmlRenderer();

  /** Hostile texts, and what the page must show for each: the text itself, or its cleaned form. */
  static List<String[]> hostile() {
    return List.of(
        new String[] {"<script>window.__pwned=1</script>", null},
        new String[] {"<img src=x onerror=\"window.__pwned=1\">", null},
        new String[] {"\"><svg onload=window.__pwned=1>", null},
        new String[] {"' onmouseover='window.__pwned=1' x='", null},
        new String[] {"<a href=\"javascript:window.__pwned=1\">click me</a>", null},
        new String[] {"javascript:window.__pwned=1", null},
        new String[] {"<iframe srcdoc=\"<script>parent.__pwned=1</script>\"></iframe>", null},
        new String[] {"</style><script>window.__pwned=1</script><style>", null},
        new String[] {"</title></head><body onload=\"window.__pwned=1\">", null},
        new String[] {"&lt;script&gt;window.__pwned=1&lt;/script&gt;", null},
        new String[] {"&amp; &#60;b&#62; &#x3C;i&#x3E; &quot; &apos; &nbsp;", null},
        new String[] {"<![CDATA[<script>x</script>]]> <!-- comment -->", null},
        new String[] {"{{title}} {{{prompt}}} {{&error}}", null},
        new String[] {"\u202Eevil.exe\u202C and \u2067isolated\u2069 \u200Ftext", null},
        new String[] {"<b style=\"position:fixed\">big</b> `back` =eq=", null},
        new String[] {
          "NUL-free controls \u0001\u0008\u001B and a lone \uD800",
          "NUL-free controls" + " \uFFFD\uFFFD\uFFFD and a lone \uFFFD"
        });
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("hostile")
  void everyFieldOfACompletedResultStaysText(String text, String shown) throws Exception {
    String expected = shown == null ? text : shown;
    Document page = parse(renderer.render(Views.completed(text, Views.everywhere(text))));

    assertOnlyTemplateMarkup(page);
    assertThat(textOf(page, "title")).isEqualTo(expected + " · Genie");
    assertField(page, "h1", null, expected);
    assertField(page, "dd", "prompt", expected);
    assertField(page, "dd", "model", expected);
    assertField(page, "bdi", "page-title", expected);
    assertField(page, "p", "block block-text", expected);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("hostile")
  void thePromptAndTheErrorOfAFailedResultStayText(String text, String shown) throws Exception {
    String expected = shown == null ? text : shown;
    Document page = parse(renderer.render(Views.failed(text, text)));

    assertOnlyTemplateMarkup(page);
    assertField(page, "h1", null, expected);
    assertField(page, "dd", "prompt", expected);
    assertField(page, "p", "error", expected);
  }

  @Test
  void aBlockTypeThatIsNoClassNameIsNamedOther() throws Exception {
    dev.genie.core.generate.Generation odd =
        new dev.genie.core.generate.Generation(
            "m",
            List.of(
                new dev.genie.core.generate.Page(
                    "p1",
                    "t",
                    List.of(new dev.genie.core.generate.Block("x\" onclick=\"y", "content")))));

    Document page = parse(renderer.render(Views.completed("prompt", odd)));

    assertOnlyTemplateMarkup(page);
    assertField(page, "p", "block block-other", "content");
  }

  @Test
  void pagesAndBlocksKeepTheirOrder() throws Exception {
    String html = renderer.render(Views.completed("ordered", Views.numbered(3, 3)));
    Document page = parse(html);

    List<String> blocks = new ArrayList<>();
    NodeList paragraphs = page.getElementsByTagName("p");
    for (int i = 0; i < paragraphs.getLength(); i++) {
      Element p = (Element) paragraphs.item(i);
      if (p.getAttribute("class").startsWith("block")) {
        blocks.add(p.getTextContent());
      }
    }
    List<String> sections = new ArrayList<>();
    NodeList all = page.getElementsByTagName("section");
    for (int i = 0; i < all.getLength(); i++) {
      Element section = (Element) all.item(i);
      sections.add(
          section.getAttribute("id")
              + " "
              + section.getElementsByTagName("bdi").item(0).getTextContent());
    }

    assertThat(sections)
        .containsExactly(
            "page-1 Title of page 1", "page-2 Title of page 2", "page-3 Title of page 3");
    assertThat(blocks)
        .containsExactly(
            "page 1 block 1",
            "page 1 block 2",
            "page 1 block 3",
            "page 2 block 1",
            "page 2 block 2",
            "page 2 block 3",
            "page 3 block 1",
            "page 3 block 2",
            "page 3 block 3");
    assertThat(textOf(page, "h1")).isEqualTo("Title of page 1");
    assertField(page, "dd", "model", "test-model");
    assertField(page, "dd", "generated", "2026-11-29 10:15:31 UTC");
    assertField(page, "dd", "page-count", "3");
  }

  @Test
  void aPendingResultSaysItIsStillBeingGenerated() throws Exception {
    Document page = parse(renderer.render(Views.pending("a slow poem")));

    assertThat(textOf(page, "h1")).isEqualTo("a slow poem");
    assertField(page, "dd", "status status-pending", "pending");
    assertField(
        page,
        "p",
        "notice pending",
        "This result is still being generated. This page reloads on its own until it is ready.");
    assertThat(page.getElementsByTagName("section").getLength()).isZero();
  }

  @Test
  void aFailedResultShowsItsError() throws Exception {
    Document page = parse(renderer.render(Views.failed("a doomed poem", "the model is down")));

    assertField(page, "dd", "status status-failed", "failed");
    assertField(page, "p", "error", "the model is down");
    assertThat(page.getElementsByTagName("section").getLength()).isZero();
  }

  @Test
  void thePolicyAllowsExactlyThePagesOwnStyle() throws Exception {
    Document page = parse(renderer.render(Views.pending("styled")));
    String style = textOf(page, "style");
    String hash =
        Base64.getEncoder()
            .encodeToString(
                MessageDigest.getInstance("SHA-256")
                    .digest(style.getBytes(StandardCharsets.UTF_8)));

    assertThat(style).contains("DejaVu Sans");
    assertThat(HtmlRenderer.CONTENT_SECURITY_POLICY)
        .startsWith("default-src 'none'; ")
        .contains("style-src 'sha256-" + hash + "'")
        .doesNotContain("script-src")
        .doesNotContain("unsafe");
  }

  private static Document parse(String html) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    factory.setExpandEntityReferences(false);
    return factory.newDocumentBuilder().parse(new InputSource(new StringReader(html)));
  }

  private static void assertOnlyTemplateMarkup(Document page) {
    Set<String> elements = new TreeSet<>();
    List<String> attributes = new ArrayList<>();
    NodeList all = page.getElementsByTagName("*");
    for (int i = 0; i < all.getLength(); i++) {
      Element element = (Element) all.item(i);
      elements.add(element.getTagName());
      NamedNodeMap attrs = element.getAttributes();
      for (int a = 0; a < attrs.getLength(); a++) {
        attributes.add(attrs.item(a).getNodeName());
      }
    }
    assertThat(TEMPLATE_ELEMENTS).containsAll(elements);
    assertThat(new TreeSet<>(attributes))
        .isSubsetOf("xmlns", "lang", "charset", "name", "content", "dir", "class", "id", "role");
  }

  /** The one element of this tag and class holds exactly {@code text}, isolated for bidi. */
  private static void assertField(Document page, String tag, String cssClass, String text) {
    List<Element> matches = new ArrayList<>();
    NodeList all = page.getElementsByTagName(tag);
    for (int i = 0; i < all.getLength(); i++) {
      Element element = (Element) all.item(i);
      if (cssClass == null || element.getAttribute("class").equals(cssClass)) {
        matches.add(element);
      }
    }
    assertThat(matches).as(tag + "." + cssClass).hasSize(1);
    Element element = matches.get(0);
    assertThat(element.getTextContent()).as(tag + "." + cssClass).isEqualTo(text);
    if (USER_TEXT.contains(cssClass == null ? tag : cssClass)) {
      assertThat(tag.equals("bdi") || element.getAttribute("dir").equals("auto"))
          .as(tag + "." + cssClass + " isolates its text's direction (bdi or dir=auto)")
          .isTrue();
    }
  }

  private static String textOf(Document page, String tag) {
    NodeList all = page.getElementsByTagName(tag);
    assertThat(all.getLength()).as(tag).isEqualTo(1);
    return all.item(0).getTextContent();
  }
}
