package dev.genie.persistence.sql.internal;

import dev.genie.persistence.ApiKey;
import dev.genie.persistence.KeyStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Keys and token spending in PostgreSQL, in plain JDBC: a handful of single-row statements, each
 * one round trip in autocommit.
 */
public final class SqlKeyStore implements KeyStore {
  private static final String COLUMNS =
      "name, key_hash, namespace, rate_per_second, daily_tokens, admin, created_at, last_used_at,"
          + " revoked_at";
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String FOREIGN_KEY_VIOLATION = "23503";

  private final DataSource dataSource;

  public SqlKeyStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public void create(ApiKey key, byte[] keyHash) {
    run(
        "create key " + key.name(),
        connection -> {
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO genie_api_keys ("
                      + COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, key.name());
            insert.setBytes(2, keyHash);
            insert.setString(3, key.namespace());
            insert.setInt(4, key.ratePerSecond());
            insert.setLong(5, key.dailyTokens());
            insert.setBoolean(6, key.admin());
            insert.setTimestamp(7, Timestamp.from(key.createdAt()));
            insert.setTimestamp(8, null);
            insert.setTimestamp(9, null);
            insert.executeUpdate();
          } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
              throw new IllegalArgumentException(
                  "a key named " + key.name() + " exists already; choose another name");
            }
            throw e;
          }
          return null;
        });
  }

  @Override
  public Optional<ApiKey> findByHash(byte[] keyHash) {
    return run(
        "find a key",
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT " + COLUMNS + " FROM genie_api_keys WHERE key_hash = ?")) {
            select.setBytes(1, keyHash);
            try (ResultSet rows = select.executeQuery()) {
              // The index lookup can only reveal timing about the hash, never about the key; the
              // comparison that accepts it is still made in constant time.
              if (rows.next() && ApiKey.sameHash(rows.getBytes("key_hash"), keyHash)) {
                return Optional.of(key(rows));
              }
              return Optional.empty();
            }
          }
        });
  }

  @Override
  public List<ApiKey> list() {
    return run(
        "list keys",
        connection -> {
          try (PreparedStatement select =
                  connection.prepareStatement(
                      "SELECT " + COLUMNS + " FROM genie_api_keys ORDER BY name");
              ResultSet rows = select.executeQuery()) {
            List<ApiKey> keys = new ArrayList<>();
            while (rows.next()) {
              keys.add(key(rows));
            }
            return keys;
          }
        });
  }

  @Override
  public boolean revoke(String name, Instant now) {
    return update(
            "revoke key " + name,
            "UPDATE genie_api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
            statement -> {
              statement.setTimestamp(1, Timestamp.from(now));
              statement.setString(2, name);
            })
        == 1;
  }

  @Override
  public void touch(String name, Instant now) {
    update(
        "record the use of key " + name,
        "UPDATE genie_api_keys SET last_used_at = ? WHERE name = ?",
        statement -> {
          statement.setTimestamp(1, Timestamp.from(now));
          statement.setString(2, name);
        });
  }

  @Override
  public void charge(String name, LocalDate day, long tokens) {
    update(
        "charge key " + name,
        "INSERT INTO genie_token_usage (key_name, day, tokens) VALUES (?, ?, ?)"
            + " ON CONFLICT (key_name, day)"
            + " DO UPDATE SET tokens = genie_token_usage.tokens + EXCLUDED.tokens",
        statement -> {
          statement.setString(1, name);
          statement.setObject(2, day);
          statement.setLong(3, tokens);
        });
  }

  @Override
  public long spent(String name, LocalDate day) {
    return run(
        "read the spending of key " + name,
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT tokens FROM genie_token_usage WHERE key_name = ? AND day = ?")) {
            select.setString(1, name);
            select.setObject(2, day);
            try (ResultSet rows = select.executeQuery()) {
              return rows.next() ? rows.getLong(1) : 0L;
            }
          }
        });
  }

  @Override
  public boolean reserve(String name, LocalDate day, long tokens, long limit) {
    if (tokens < 1) {
      throw new IllegalArgumentException("a reservation is at least 1 token: " + tokens);
    }
    try {
      // One statement: PostgreSQL's row lock on the day's row orders parallel reservations, and
      // each sees the sum the one before it left, on every instance.
      return update(
              "reserve tokens for key " + name,
              "INSERT INTO genie_token_usage (key_name, day, tokens)"
                  + " SELECT ?, ?, ? WHERE ? <= ?"
                  + " ON CONFLICT (key_name, day)"
                  + " DO UPDATE SET tokens = genie_token_usage.tokens + EXCLUDED.tokens"
                  + " WHERE genie_token_usage.tokens + EXCLUDED.tokens <= ?",
              statement -> {
                statement.setString(1, name);
                statement.setObject(2, day);
                statement.setLong(3, tokens);
                statement.setLong(4, tokens);
                statement.setLong(5, limit);
                statement.setLong(6, limit);
              })
          == 1;
    } catch (RuntimeException e) {
      if (causedBy(e, FOREIGN_KEY_VIOLATION)) {
        return false; // no key of that name
      }
      throw e;
    }
  }

  @Override
  public void settle(String name, LocalDate day, long reserved, long used) {
    if (used != reserved) {
      charge(name, day, used - reserved);
    }
  }

  @Override
  public void recordGenerationKey(String promptId, String name) {
    update(
        "record the key of prompt " + promptId,
        "UPDATE genie_prompts SET generation_key = ? WHERE id = CAST(? AS uuid)",
        statement -> {
          statement.setString(1, name);
          statement.setString(2, promptId);
        });
  }

  @Override
  public Optional<String> generationKey(String promptId) {
    return run(
        "read the key of prompt " + promptId,
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT generation_key FROM genie_prompts WHERE id = CAST(? AS uuid)")) {
            select.setString(1, promptId);
            try (ResultSet rows = select.executeQuery()) {
              return rows.next() ? Optional.ofNullable(rows.getString(1)) : Optional.empty();
            }
          }
        });
  }

  private static boolean causedBy(Throwable e, String sqlState) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException sql && sqlState.equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  private static ApiKey key(ResultSet row) throws SQLException {
    return new ApiKey(
        row.getString("name"),
        row.getString("namespace"),
        row.getInt("rate_per_second"),
        row.getLong("daily_tokens"),
        row.getBoolean("admin"),
        row.getTimestamp("created_at").toInstant(),
        instant(row.getTimestamp("last_used_at")),
        instant(row.getTimestamp("revoked_at")));
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }

  private interface Work<T> {
    T apply(Connection connection) throws SQLException;
  }

  private interface Binding {
    void bind(PreparedStatement statement) throws SQLException;
  }

  private int update(String action, String sql, Binding binding) {
    return run(
        action,
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binding.bind(statement);
            return statement.executeUpdate();
          }
        });
  }

  private <T> T run(String action, Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      return work.apply(connection);
    } catch (SQLException e) {
      throw StoreFailures.translate(action, new IllegalStateException(e));
    }
  }
}
