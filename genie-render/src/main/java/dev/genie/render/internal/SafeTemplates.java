package dev.genie.render.internal;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Loads Genie's Mustache templates from the jar. Every {@code {{name}}} is HTML-escaped, and a
 * template that could write text unescaped ({@code {{{…}}}}, {@code {{&…}}}) or change the
 * delimiters ({@code {{=…=}}}) is refused when it loads: escaping cannot be forgotten.
 */
public final class SafeTemplates {
  /**
   * Part of the ETag of everything rendered from these templates: raise it whenever a template, the
   * style or the font changes what a rendering looks like.
   */
  public static final int VERSION = 2;

  private static final List<String> UNESCAPED = List.of("{{{", "{{&", "{{=");

  private static final Mustache.Compiler COMPILER =
      Mustache.compiler()
          .escapeHTML(true)
          .strictSections(true)
          .withLoader(name -> new StringReader(resource(name)));

  private SafeTemplates() {}

  /** The template {@code name} beside this class, compiled; its partials are named as files. */
  public static Template load(String name) {
    return COMPILER.compile(resource(name));
  }

  /** A text resource beside this class, checked to hold no unescaped output. */
  public static String resource(String name) {
    String text = read(name);
    for (String tag : UNESCAPED) {
      if (text.contains(tag)) {
        throw new IllegalStateException(
            name + " holds '" + tag + "', which would write text unescaped; this is a bug");
      }
    }
    return text;
  }

  /** The bytes of a resource beside this class. */
  public static byte[] bytes(String name) {
    try (InputStream in = SafeTemplates.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the jar; this is a bug");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + name + " from the jar", e);
    }
  }

  private static String read(String name) {
    return new String(bytes(name), StandardCharsets.UTF_8);
  }
}
