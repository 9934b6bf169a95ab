package dev.genie.persistence;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A caller's key as stored: everything but the key itself, of which only the hash is kept.
 *
 * @param name unique, chosen by the operator; what logs, metrics and audit lines show
 * @param namespace the prompts this key reads and writes
 * @param ratePerSecond requests per second on each instance; 0 for no limit
 * @param dailyTokens tokens its generations may use per UTC day across all instances; 0 for no
 *     limit
 * @param admin whether it may read {@code /metrics} and {@code /openapi.yaml} from afar
 * @param lastUsedAt when it was last accepted, roughly (written at most once a minute), or null
 * @param revokedAt when it was revoked, or null
 */
public record ApiKey(
    String name,
    String namespace,
    int ratePerSecond,
    long dailyTokens,
    boolean admin,
    Instant createdAt,
    Instant lastUsedAt,
    Instant revokedAt) {
  /** The namespace of keys created without one, and of every prompt when keys are off. */
  public static final String DEFAULT_NAMESPACE = "default";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  public ApiKey {
    requireName("name", name);
    requireName("namespace", namespace);
    Objects.requireNonNull(createdAt, "createdAt");
    if (ratePerSecond < 0 || dailyTokens < 0) {
      throw new IllegalArgumentException("limits must not be negative");
    }
  }

  /**
   * Whether two key hashes are equal, in time that does not depend on where they differ: how every
   * store accepts a key.
   */
  public static boolean sameHash(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }

  public boolean revoked() {
    return revokedAt != null;
  }

  public Optional<Instant> lastUsed() {
    return Optional.ofNullable(lastUsedAt);
  }

  /**
   * @throws IllegalArgumentException unless {@code value} is 1-64 characters of {@code
   *     A-Za-z0-9._-} starting with a letter or digit
   */
  public static String requireName(String what, String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(
          what
              + " must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-', starting with a"
              + " letter or digit");
    }
    return value;
  }
}
