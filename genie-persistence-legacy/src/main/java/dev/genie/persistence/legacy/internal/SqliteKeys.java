package dev.genie.persistence.legacy.internal;

import dev.genie.persistence.ApiKey;
import dev.genie.persistence.KeyStore;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The callers' keys in the store's database. Uses are written as they come, which the callers
 * already thin out to about once a minute per key; spending is summed per key and UTC day, so a
 * restart neither forgets a key's use nor resets its budget.
 */
public final class SqliteKeys implements KeyStore {
  private final Database database;

  public SqliteKeys(Database database) {
    this.database = database;
  }

  @Override
  public void create(ApiKey key, byte[] keyHash) {
    Objects.requireNonNull(keyHash, "keyHash");
    ApiKey created =
        new ApiKey(
            key.name(),
            key.namespace(),
            key.ratePerSecond(),
            key.dailyTokens(),
            key.admin(),
            micros(key.createdAt()),
            null,
            null);
    byte[] hash = keyHash.clone();
    database
        .writer()
        .submit(
            db -> {
              if (KeyRows.byName(db, key.name()).isPresent()) {
                throw new IllegalArgumentException(
                    "a key named " + key.name() + " exists already; choose another name");
              }
              if (KeyRows.holdsHash(db, hash)) {
                throw new IllegalArgumentException(
                    "another key has the same hash; create the key again");
              }
              KeyRows.insert(db, created, hash);
              return null;
            });
  }

  @Override
  public Optional<ApiKey> findByHash(byte[] keyHash) {
    Objects.requireNonNull(keyHash, "keyHash");
    return database.readers().read(db -> KeyRows.byHash(db, keyHash));
  }

  @Override
  public List<ApiKey> list() {
    return database.readers().read(KeyRows::all);
  }

  @Override
  public boolean revoke(String name, Instant now) {
    return database
        .writer()
        .submit(
            db ->
                KeyRows.byName(db, name).filter(key -> !key.revoked()).isPresent()
                    && KeyRows.set(db, name, "revoked_at", micros(now)));
  }

  @Override
  public void touch(String name, Instant now) {
    database.writer().submit(db -> KeyRows.set(db, name, "last_used_at", micros(now)));
  }

  @Override
  public void charge(String name, LocalDate day, long tokens) {
    if (tokens < 0) {
      throw new IllegalArgumentException("tokens must not be negative: " + tokens);
    }
    if (tokens == 0) {
      return;
    }
    chargeKnown(name, day, tokens);
  }

  @Override
  public long spent(String name, LocalDate day) {
    return database.readers().read(db -> KeyRows.spent(db, name, day));
  }

  @Override
  public boolean reserve(String name, LocalDate day, long tokens, long limit) {
    if (tokens < 1) {
      throw new IllegalArgumentException("a reservation is at least 1 token: " + tokens);
    }
    // One conditional statement on the one writer: parallel reservations are applied one after
    // another, each seeing the sum the one before it left.
    return database.writer().submit(db -> KeyRows.reserve(db, name, day, tokens, limit));
  }

  @Override
  public void settle(String name, LocalDate day, long reserved, long used) {
    if (used != reserved) {
      chargeKnown(name, day, used - reserved);
    }
  }

  /**
   * Adds {@code tokens} to a key's day, fewer than none giving back. As the SQL store, spending is
   * kept by name, also for a key revoked meanwhile; a name no key has is charged nothing.
   */
  private void chargeKnown(String name, LocalDate day, long tokens) {
    database
        .writer()
        .submit(
            db -> {
              if (KeyRows.byName(db, name).isPresent()) {
                KeyRows.charge(db, name, day, tokens);
              }
              return null;
            });
  }

  @Override
  public void recordGenerationKey(String promptId, String name) {
    database.writer().submit(db -> KeyRows.recordGenerationKey(db, promptId, name));
  }

  @Override
  public Optional<String> generationKey(String promptId) {
    return database.readers().read(db -> KeyRows.generationKey(db, promptId));
  }

  /** The precision the database keeps, so that what is answered equals what is read back. */
  private static Instant micros(Instant at) {
    return at.truncatedTo(ChronoUnit.MICROS);
  }
}
