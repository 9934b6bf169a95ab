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

  /**
   * Adds {@code tokens} to what the key spent on {@code day} (UTC) if the sum stays within {@code
   * limit}, in one atomic step that every instance's reservations are decided by: parallel
   * reservations never take a key past its limit together.
   *
   * @param tokens at least 1: the most a generation may use
   * @return false, changing nothing, when the sum would exceed {@code limit} or there is no key of
   *     that name
   */
  boolean reserve(String name, LocalDate day, long tokens, long limit);

  /**
   * Replaces a reservation made with {@link #reserve} on {@code day} by what the generation used:
   * adds {@code used - reserved}, which gives back what it did not use (or charges what it used
   * beyond the reservation).
   */
  void settle(String name, LocalDate day, long reserved, long used);

  /**
   * Records that key {@code name} started the generation of prompt {@code promptId}, replacing the
   * key recorded before: takeovers and sweeps of that generation are charged to it.
   */
  void recordGenerationKey(String promptId, String name);

  /** The key that last started the generation of {@code promptId}; empty when none did. */
  Optional<String> generationKey(String promptId);
}
