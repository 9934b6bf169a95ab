package dev.genie.http.internal.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/** Making, reading and hashing the keys callers send. */
public final class ApiKeys {
  public static final String PREFIX = "genie_";

  /** 256 random bits: beyond guessing, so that a plain hash of them is safe to store. */
  private static final int RANDOM_BYTES = 32;

  /** The prefix and 43 base64url characters: the shape {@link #generate} makes. */
  private static final Pattern SHAPE = Pattern.compile("genie_[A-Za-z0-9_-]{43}");

  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeys() {}

  /** A new key: the prefix and 256 bits from {@link SecureRandom}, base64url without padding. */
  public static String generate() {
    byte[] bytes = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * SHA-256 of the key. A slow password hash (bcrypt, Argon2) defends guessable secrets; a key of
   * 256 random bits cannot be guessed, so one fast hash is enough and keeps each request cheap,
   * and, unsalted, lets the key be found by its hash.
   */
  public static byte[] hash(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256; this is a bug", e);
    }
  }

  /**
   * The key of an {@code Authorization} header: {@code Bearer <key>}, the scheme in any case. Empty
   * when the header is missing, of another scheme, or holds something no key looks like.
   */
  public static Optional<String> fromAuthorization(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String value = header.strip();
    int space = value.indexOf(' ');
    if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Bearer")) {
      return Optional.empty();
    }
    String key = value.substring(space + 1).strip();
    return SHAPE.matcher(key).matches() ? Optional.of(key) : Optional.empty();
  }
}
