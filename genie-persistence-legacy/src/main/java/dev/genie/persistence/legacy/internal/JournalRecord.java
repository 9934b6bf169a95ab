package dev.genie.persistence.legacy.internal;

import dev.genie.persistence.ApiKey;
import dev.genie.persistence.Prompt;
import dev.genie.persistence.Result;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Objects;

/**
 * One change, as a full snapshot of what it changed, so that replay only applies records in order
 * and never re-decides anything.
 */
public sealed interface JournalRecord {

  /** A change to a prompt or its result. */
  sealed interface ResultRecord extends JournalRecord {
    /** The id of the result this record sets, to wake its watchers. */
    String resultId();
  }

  /** A change to the callers' keys or their spending. */
  sealed interface KeyRecord extends JournalRecord {
    /** The key's name. */
    String name();
  }

  /** A prompt was created together with its first, pending result. */
  record PromptCreated(Prompt prompt, Result result) implements ResultRecord {
    @Override
    public String resultId() {
      return result.id();
    }
  }

  /** A result's new state after a takeover, completion, failure or release. */
  record ResultChanged(Result result) implements ResultRecord {
    @Override
    public String resultId() {
      return result.id();
    }
  }

  /** A key was created; only the SHA-256 of the key itself is kept. */
  record KeyCreated(ApiKey key, byte[] keyHash) implements KeyRecord {
    public KeyCreated {
      Objects.requireNonNull(key, "key");
      keyHash = keyHash.clone();
    }

    @Override
    public String name() {
      return key.name();
    }

    @Override
    public byte[] keyHash() {
      return keyHash.clone();
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof KeyCreated that
          && key.equals(that.key)
          && Arrays.equals(keyHash, that.keyHash);
    }

    @Override
    public int hashCode() {
      return 31 * key.hashCode() + Arrays.hashCode(keyHash);
    }

    @Override
    public String toString() {
      // Only a hash, but no need to spread it around logs either.
      return "KeyCreated[" + key + "]";
    }
  }

  /** A key was revoked at {@code at}. */
  record KeyRevoked(String name, Instant at) implements KeyRecord {}

  /** A key was accepted at {@code at}; written at most about once a minute per key. */
  record KeyUsed(String name, Instant at) implements KeyRecord {}

  /**
   * {@code tokens} more were spent by the key on {@code day} (UTC); negative when a settled
   * reservation gave back what its generation did not use.
   */
  record TokensCharged(String name, LocalDate day, long tokens) implements KeyRecord {}

  /** The key {@code name} started the generation of prompt {@code promptId}. */
  record GenerationKeyRecorded(String promptId, String name) implements KeyRecord {}
}
