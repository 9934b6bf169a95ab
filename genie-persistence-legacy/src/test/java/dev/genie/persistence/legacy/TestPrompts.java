package dev.genie.persistence.legacy;

import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.NewPrompt;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/** Prompts and lease terms as the orchestrator would pass them. */
final class TestPrompts {
  static final Duration LEASE = Duration.ofSeconds(30);
  static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456Z");

  private TestPrompts() {}

  static NewPrompt prompt(String normalized) {
    return new NewPrompt(sha256(normalized), normalized, normalized, 1);
  }

  static LeaseTerms terms(String owner, Instant now) {
    return new LeaseTerms(owner, now, LEASE, 3);
  }

  private static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK; this is a bug", e);
    }
  }
}
