package dev.genie.render.internal;

/**
 * The font embedded in every PDF: DejaVu Sans, which covers Latin, Greek and Cyrillic (the PDF
 * standard fonts cover Latin only). Read from the jar once.
 */
public final class Fonts {
  /** The family name the style asks for. */
  public static final String FAMILY = "DejaVu Sans";

  private static final byte[] DEJAVU_SANS = SafeTemplates.bytes("fonts/DejaVuSans.ttf");

  private Fonts() {}

  public static byte[] dejaVuSans() {
    return DEJAVU_SANS;
  }
}
