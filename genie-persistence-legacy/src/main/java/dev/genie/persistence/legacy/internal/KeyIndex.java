package dev.genie.persistence.legacy.internal;

import dev.genie.persistence.ApiKey;
import dev.genie.persistence.legacy.internal.JournalRecord.GenerationKeyRecorded;
import dev.genie.persistence.legacy.internal.JournalRecord.KeyCreated;
import dev.genie.persistence.legacy.internal.JournalRecord.KeyRecord;
import dev.genie.persistence.legacy.internal.JournalRecord.KeyRevoked;
import dev.genie.persistence.legacy.internal.JournalRecord.KeyUsed;
import dev.genie.persistence.legacy.internal.JournalRecord.TokensCharged;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every key with its last use and revocation, and the tokens each spent per UTC day, in memory.
 * Built by applying journal records in order; not thread-safe, the store serializes its calls.
 */
public final class KeyIndex {
  private final Map<String, ApiKey> byName = new TreeMap<>();
  private final Map<String, byte[]> hashByName = new HashMap<>();
  private final Map<ByteBuffer, String> nameByHash = new HashMap<>();
  private final Map<String, Map<LocalDate, Long>> spent = new HashMap<>();
  private final Map<String, String> generationKeys = new HashMap<>();

  /**
   * Applies one record.
   *
   * @throws IllegalStateException when it contradicts what is already applied
   */
  public void apply(KeyRecord record) {
    if (record instanceof KeyCreated created) {
      add(created.key(), created.keyHash());
      return;
    }
    if (record instanceof GenerationKeyRecorded recorded) {
      generationKeys.put(recorded.promptId(), recorded.name());
      return;
    }
    ApiKey key = byName.get(record.name());
    if (key == null) {
      throw new IllegalStateException(
          "key " + record.name() + " changes before it was created; this is a bug");
    }
    if (record instanceof KeyRevoked revoked) {
      byName.put(key.name(), with(key, key.lastUsedAt(), revoked.at()));
    } else if (record instanceof KeyUsed used) {
      byName.put(key.name(), with(key, used.at(), key.revokedAt()));
    } else if (record instanceof TokensCharged charged) {
      spent
          .computeIfAbsent(key.name(), name -> new HashMap<>())
          .merge(charged.day(), charged.tokens(), Long::sum);
    }
  }

  private void add(ApiKey key, byte[] keyHash) {
    ByteBuffer hash = ByteBuffer.wrap(keyHash);
    if (byName.containsKey(key.name()) || nameByHash.containsKey(hash)) {
      throw new IllegalStateException("key " + key.name() + " is created twice; this is a bug");
    }
    byName.put(key.name(), key);
    hashByName.put(key.name(), keyHash);
    nameByHash.put(hash, key.name());
  }

  private static ApiKey with(ApiKey key, Instant lastUsedAt, Instant revokedAt) {
    return new ApiKey(
        key.name(),
        key.namespace(),
        key.ratePerSecond(),
        key.dailyTokens(),
        key.admin(),
        key.createdAt(),
        lastUsedAt,
        revokedAt);
  }

  public Optional<ApiKey> byName(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Whether a key, revoked or not, has this hash. */
  public boolean holdsHash(byte[] keyHash) {
    return nameByHash.containsKey(ByteBuffer.wrap(keyHash));
  }

  /** The key whose hash this is, revoked or not. */
  public Optional<ApiKey> byHash(byte[] keyHash) {
    // The map lookup can only reveal timing about the hash, never about the key; the comparison
    // that accepts it is still made in constant time.
    String name = nameByHash.get(ByteBuffer.wrap(keyHash));
    if (name == null || !ApiKey.sameHash(hashByName.get(name), keyHash)) {
      return Optional.empty();
    }
    return Optional.of(byName.get(name));
  }

  /** Every key, by name. */
  public List<ApiKey> all() {
    return List.copyOf(byName.values());
  }

  /** The key that last started the generation of {@code promptId}. */
  public Optional<String> generationKey(String promptId) {
    return Optional.ofNullable(generationKeys.get(promptId));
  }

  public long spent(String name, LocalDate day) {
    return spent.getOrDefault(name, Map.of()).getOrDefault(day, 0L);
  }
}
