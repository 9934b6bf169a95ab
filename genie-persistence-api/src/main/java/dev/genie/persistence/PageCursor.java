package dev.genie.persistence;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/** The position after the last prompt of a page: its creation time and id, newest first. */
public record PageCursor(Instant createdAt, String promptId) {
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
      if (parts.length != 3 || parts[2].isEmpty()) {
        throw new IllegalArgumentException("not a page cursor");
      }
      Instant createdAt =
          Instant.ofEpochSecond(Long.parseLong(parts[0]), Integer.parseInt(parts[1]));
      return new PageCursor(createdAt, parts[2]);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a page cursor: use the 'next' value of a page", e);
    }
  }
}
