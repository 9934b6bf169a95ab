package dev.genie.render.internal;

/**
 * The fonts embedded in every PDF: DejaVu Sans and its bold face, which cover Latin, Greek and
 * Cyrillic (the PDF standard fonts cover Latin only). With the bold face embedded, headings are set
 * in it rather than drawn bolder from the regular one. Read from the jar once.
 */
public final class Fonts {
  /** The family name the style asks for. */
  public static final String FAMILY = "DejaVu Sans";

  /** The CSS weight of the bold face. */
  public static final int BOLD = 700;

  private static final byte[] DEJAVU_SANS = SafeTemplates.bytes("fonts/DejaVuSans.ttf");
  private static final byte[] DEJAVU_SANS_BOLD = SafeTemplates.bytes("fonts/DejaVuSans-Bold.ttf");

  private Fonts() {}

  public static byte[] dejaVuSans() {
    return DEJAVU_SANS;
  }

  public static byte[] dejaVuSansBold() {
    return DEJAVU_SANS_BOLD;
  }
}
