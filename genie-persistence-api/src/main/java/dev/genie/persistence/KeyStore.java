package dev.genie.persistence;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Callers' keys and the tokens each spent per day, kept where the prompts are so that every
 * instance sees the same. Keys are found by the SHA-256 of the key, never by the key.
 */
public interface KeyStore {

  /**
   * Stores a new key.
   *
   * @throws IllegalArgumentException when a key of that name exists, revoked or not
   */
  void create(ApiKey key, byte[] keyHash);

  /** The key whose hash this is, revoked or not. */
  Optional<ApiKey> findByHash(byte[] keyHash);

  /** Every key, by name. */
  List<ApiKey> list();

  /** Revokes the key of that name; false when there is none or it was revoked already. */
  boolean revoke(String name, Instant now);

  /** Records that the key was accepted at {@code now}. */
  void touch(String name, Instant now);

  /** Adds {@code tokens} to what the key spent on {@code day} (UTC). */
  void charge(String name, LocalDate day, long tokens);

  /** What the key spent on {@code day} (UTC), 0 when nothing. */
  long spent(String name, LocalDate day);
}
