package dev.genie.it.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Lower-hex SHA-256 of a string's UTF-8 bytes: Genie's prompt key, computed independently. */
public final class Sha256 {
  private Sha256() {}

  public static String hex(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256; this is a bug", e);
    }
  }

  /** A short, distinguishing name for a long text such as an envelope: length and hash prefix. */
  static String fingerprint(String text) {
    return text == null ? "null" : text.length() + " chars, sha256 " + hex(text).substring(0, 12);
  }
}
