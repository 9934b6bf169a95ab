package dev.genie.render;

import com.samskivert.mustache.Template;
import dev.genie.render.internal.ResultModel;
import dev.genie.render.internal.SafeTemplates;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A result as one self-contained HTML page: every page and block of the envelope in order, with the
 * title, model and time; or a page saying that the result is pending, or why it failed. Every text
 * is escaped, and the page has no script. Thread-safe.
 */
public final class HtmlRenderer {
  private static final Template TEMPLATE = SafeTemplates.load("result.mustache");
  private static final String STYLE = SafeTemplates.resource("result.css");

  /** The CSP source that allows the page's inline style, and nothing else inline. */
  public static final String STYLE_HASH = sha256(STYLE);

  /**
   * The policy to serve the page with: nothing may load or run but its own inline style (allowed by
   * its hash), so even markup that escaped escaping could not run.
   */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; style-src '"
          + STYLE_HASH
          + "'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  /** The page, as well-formed XHTML that browsers read as HTML5. */
  public String render(ResultView view) {
    return TEMPLATE.execute(ResultModel.of(view));
  }

  private static String sha256(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
