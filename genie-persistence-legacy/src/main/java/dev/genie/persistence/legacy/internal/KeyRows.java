package dev.genie.persistence.legacy.internal;

import static dev.genie.persistence.legacy.internal.Columns.instant;
import static dev.genie.persistence.legacy.internal.Columns.setInstant;

import dev.genie.persistence.ApiKey;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The SQL of callers' keys and what each spent per UTC day. */
public final class KeyRows {
  private KeyRows() {}

  public static Optional<ApiKey> byName(Db db, String name) throws SQLException {
    PreparedStatement s = db.prepare("SELECT * FROM genie_keys WHERE name = ?");
    s.setString(1, name);
    try (ResultSet rows = s.executeQuery()) {
      return rows.next() ? Optional.of(read(rows)) : Optional.empty();
    }
  }

  /** The key whose hash this is, and the hash as stored, to compare in constant time. */
  public static Optional<ApiKey> byHash(Db db, byte[] keyHash) throws SQLException {
    PreparedStatement s = db.prepare("SELECT * FROM genie_keys WHERE key_hash = ?");
    s.setBytes(1, keyHash);
    try (ResultSet rows = s.executeQuery()) {
      // The index lookup can only reveal timing about the hash, never about the key; the
      // comparison that accepts it is still made in constant time.
      if (rows.next() && ApiKey.sameHash(rows.getBytes("key_hash"), keyHash)) {
        return Optional.of(read(rows));
      }
      return Optional.empty();
    }
  }

  public static boolean holdsHash(Db db, byte[] keyHash) throws SQLException {
    PreparedStatement s = db.prepare("SELECT 1 FROM genie_keys WHERE key_hash = ?");
    s.setBytes(1, keyHash);
    try (ResultSet rows = s.executeQuery()) {
      return rows.next();
    }
  }

  public static List<ApiKey> all(Db db) throws SQLException {
    List<ApiKey> keys = new ArrayList<>();
    try (ResultSet rows = db.prepare("SELECT * FROM genie_keys ORDER BY name").executeQuery()) {
      while (rows.next()) {
        keys.add(read(rows));
      }
    }
    return keys;
  }

  public static void insert(Db db, ApiKey key, byte[] keyHash) throws SQLException {
    PreparedStatement s =
        db.prepare(
            "INSERT INTO genie_keys (name, key_hash, namespace, rate_per_second, daily_tokens,"
                + " admin, created_at, last_used_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s.setString(1, key.name());
    s.setBytes(2, keyHash);
    s.setString(3, key.namespace());
    s.setInt(4, key.ratePerSecond());
    s.setLong(5, key.dailyTokens());
    s.setInt(6, key.admin() ? 1 : 0);
    setInstant(s, 7, key.createdAt());
    setInstant(s, 8, key.lastUsedAt());
    setInstant(s, 9, key.revokedAt());
    s.executeUpdate();
  }

  /** Sets when the key was revoked, or last used; false when no key has that name. */
  public static boolean set(Db db, String name, String column, Instant at) throws SQLException {
    String sql =
        switch (column) {
          case "revoked_at" -> "UPDATE genie_keys SET revoked_at = ? WHERE name = ?";
          case "last_used_at" -> "UPDATE genie_keys SET last_used_at = ? WHERE name = ?";
          default -> throw new IllegalArgumentException("no such column " + column + "; a bug");
        };
    PreparedStatement s = db.prepare(sql);
    setInstant(s, 1, at);
    s.setString(2, name);
    return s.executeUpdate() == 1;
  }

  /** Adds {@code tokens} to the key's day; negative gives back what a reservation did not use. */
  public static void charge(Db db, String name, LocalDate day, long tokens) throws SQLException {
    PreparedStatement s =
        db.prepare(
            "INSERT INTO genie_token_usage (name, day, tokens) VALUES (?, ?, ?)"
                + " ON CONFLICT (name, day) DO UPDATE SET tokens = tokens + excluded.tokens");
    s.setString(1, name);
    s.setLong(2, day.toEpochDay());
    s.setLong(3, tokens);
    s.executeUpdate();
  }

  /**
   * Adds {@code tokens} to the key's day if the sum stays within {@code limit}, in one statement:
   * no row is written when there is no such key or the sum would exceed the limit.
   *
   * @return whether the tokens were added
   */
  public static boolean reserve(Db db, String name, LocalDate day, long tokens, long limit)
      throws SQLException {
    PreparedStatement s =
        db.prepare(
            "INSERT INTO genie_token_usage (name, day, tokens)"
                + " SELECT ?, ?, ? WHERE ? <= ? AND EXISTS (SELECT 1 FROM genie_keys WHERE name = ?)"
                + " ON CONFLICT (name, day) DO UPDATE SET tokens = tokens + excluded.tokens"
                + " WHERE tokens + excluded.tokens <= ?");
    s.setString(1, name);
    s.setLong(2, day.toEpochDay());
    s.setLong(3, tokens);
    s.setLong(4, tokens);
    s.setLong(5, limit);
    s.setString(6, name);
    s.setLong(7, limit);
    return s.executeUpdate() == 1;
  }

  /**
   * Records {@code name} as the key that started the prompt's generation, if such a key exists;
   * false when there is no such key or prompt.
   */
  public static boolean recordGenerationKey(Db db, String promptId, String name)
      throws SQLException {
    PreparedStatement s =
        db.prepare(
            "UPDATE genie_prompts SET generation_key = ?"
                + " WHERE id = ? AND EXISTS (SELECT 1 FROM genie_keys WHERE name = ?)");
    s.setString(1, name);
    s.setString(2, promptId);
    s.setString(3, name);
    return s.executeUpdate() == 1;
  }

  public static Optional<String> generationKey(Db db, String promptId) throws SQLException {
    PreparedStatement s = db.prepare("SELECT generation_key FROM genie_prompts WHERE id = ?");
    s.setString(1, promptId);
    try (ResultSet rows = s.executeQuery()) {
      return rows.next() ? Optional.ofNullable(rows.getString(1)) : Optional.empty();
    }
  }

  public static long spent(Db db, String name, LocalDate day) throws SQLException {
    PreparedStatement s =
        db.prepare("SELECT tokens FROM genie_token_usage WHERE name = ? AND day = ?");
    s.setString(1, name);
    s.setLong(2, day.toEpochDay());
    try (ResultSet rows = s.executeQuery()) {
      return rows.next() ? rows.getLong(1) : 0;
    }
  }

  private static ApiKey read(ResultSet rows) throws SQLException {
    return new ApiKey(
        rows.getString("name"),
        rows.getString("namespace"),
        rows.getInt("rate_per_second"),
        rows.getLong("daily_tokens"),
        rows.getInt("admin") != 0,
        instant(rows, "created_at"),
        instant(rows, "last_used_at"),
        instant(rows, "revoked_at"));
  }
}
