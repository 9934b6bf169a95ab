package dev.genie.persistence;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/** The position after the last prompt of a page: its creation time and id, newest first. */
public record PageCursor(Instant createdAt, String promptId) {
  /** Both stores name prompts by UUID; a cursor naming anything else was not made here. */
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /** 9999-12-31T23:59:59Z: every store can hold the times from the epoch to this one. */
  private static final long LAST_SECOND = 253_402_300_799L;

  public PageCursor {
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(promptId, "promptId");
  }

  public static PageCursor after(Prompt prompt) {
    return new PageCursor(prompt.createdAt(), prompt.id());
  }

  /** An opaque, URL-safe token. */
  public String encode() {
    String plain = createdAt.getEpochSecond() + "." + createdAt.getNano() + "." + promptId;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads a token made by {@link #encode}.
   *
   * @throws IllegalArgumentException when {@code token} is not one
   */
  public static PageCursor decode(String token) {
    try {
      String plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      String[] parts = plain.split("\\.", 3);
      if (parts.length != 3 || !UUID_TEXT.matcher(parts[2]).matches()) {
        throw new IllegalArgumentException("not a page cursor");
      }
      long seconds = Long.parseLong(parts[0]);
      int nanos = Integer.parseInt(parts[1]);
      // A forged time outside what a store holds would fail in the store, not here; one finer
      // than its microseconds would be rounded there, and repeat or skip a row.
      if (seconds < 0
          || seconds > LAST_SECOND
          || nanos < 0
          || nanos > 999_999_999
          || nanos % 1000 != 0) {
        throw new IllegalArgumentException("not a page cursor");
      }
      return new PageCursor(Instant.ofEpochSecond(seconds, nanos), parts[2]);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a page cursor: use the 'next' value of a page", e);
    }
  }
}
