package dev.genie.persistence.legacy.internal;

import static dev.genie.persistence.legacy.internal.Columns.instant;
import static dev.genie.persistence.legacy.internal.Columns.setInstant;
import static dev.genie.persistence.legacy.internal.Columns.statusCode;

import dev.genie.persistence.PageCursor;
import dev.genie.persistence.Prompt;
import dev.genie.persistence.PromptPage;
import dev.genie.persistence.Result;
import dev.genie.persistence.StoredPrompt;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The SQL of prompts and their results: one row holds a prompt and its one result. */
public final class PromptRows {
  private static final String SELECT =
      "SELECT p.*, f.profile FROM genie_prompts p JOIN genie_profiles f ON f.id = p.profile_id ";

  private PromptRows() {}

  public static Optional<StoredPrompt> byKey(Db db, String key) throws SQLException {
    return one(db, SELECT + "WHERE p.prompt_key = ?", key);
  }

  public static Optional<StoredPrompt> byPromptId(Db db, String id) throws SQLException {
    return one(db, SELECT + "WHERE p.id = ?", id);
  }

  public static Optional<StoredPrompt> byResultId(Db db, String id) throws SQLException {
    return one(db, SELECT + "WHERE p.result_id = ?", id);
  }

  /** Up to {@code limit} pending results whose lease has expired at {@code now}, oldest first. */
  public static List<StoredPrompt> expiredLeases(Db db, Instant now, int limit)
      throws SQLException {
    PreparedStatement s =
        db.prepare(
            SELECT
                + "WHERE p.status = 1 AND p.lease_expires_at <= ?"
                + " ORDER BY p.lease_expires_at LIMIT ?");
    setInstant(s, 1, now);
    s.setInt(2, limit);
    return all(s);
  }

  /**
   * Up to {@code limit} prompts after the cursor, newest first by creation time, then id; of {@code
   * namespace} only, or of every namespace when null.
   */
  public static PromptPage page(Db db, String namespace, int limit, Optional<PageCursor> after)
      throws SQLException {
    StringBuilder sql = new StringBuilder(SELECT).append("WHERE 1 = 1");
    if (namespace != null) {
      sql.append(" AND p.namespace = ?");
    }
    if (after.isPresent()) {
      // A row value, which SQLite answers with a range of the index, not a scan.
      sql.append(" AND (p.created_at, p.id) < (?, ?)");
    }
    sql.append(" ORDER BY p.created_at DESC, p.id DESC LIMIT ?");
    PreparedStatement s = db.prepare(sql.toString());
    int i = 1;
    if (namespace != null) {
      s.setString(i++, namespace);
    }
    if (after.isPresent()) {
      setInstant(s, i++, after.get().createdAt());
      s.setString(i++, after.get().promptId());
    }
    s.setInt(i, limit + 1); // one more tells whether there is a next page
    List<StoredPrompt> items = all(s);
    if (items.size() <= limit) {
      return new PromptPage(items, Optional.empty());
    }
    List<StoredPrompt> page = items.subList(0, limit);
    return new PromptPage(page, Optional.of(PageCursor.after(page.get(limit - 1).prompt())));
  }

  /** How many prompts are stored, in O(log n): rows are never deleted, so the last seq counts. */
  public static long count(Db db) throws SQLException {
    return db.queryLong("SELECT coalesce(max(seq), 0) FROM genie_prompts");
  }

  public static void insert(Db db, Prompt p, Result r) throws SQLException {
    PreparedStatement profile =
        db.prepare("INSERT INTO genie_profiles (id, profile) VALUES (?, ?) ON CONFLICT DO NOTHING");
    profile.setString(1, p.profileId());
    profile.setString(2, p.profile());
    profile.executeUpdate();
    PreparedStatement s =
        db.prepare(
            "INSERT INTO genie_prompts (id, prompt_key, namespace, raw_text, normalized_text,"
                + " normalizer_version, profile_id, created_at, result_id, result_created_at,"
                + " status, envelope, error, attempts, lease_owner, lease_expires_at,"
                + " fencing_token, updated_at, completed_at, upstream_status, retry_after_ms)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s.setString(1, p.id());
    s.setString(2, p.key());
    s.setString(3, p.namespace());
    s.setString(4, p.rawText());
    s.setString(5, p.normalizedText());
    s.setInt(6, p.normalizerVersion());
    s.setString(7, p.profileId());
    setInstant(s, 8, p.createdAt());
    s.setString(9, r.id());
    setInstant(s, 10, r.createdAt());
    setResultState(s, 11, r);
    s.executeUpdate();
  }

  /**
   * Writes {@code r}'s state over the stored one of the same result.
   *
   * @return false when no result has that id and prompt id
   */
  public static boolean update(Db db, Result r) throws SQLException {
    PreparedStatement s =
        db.prepare(
            "UPDATE genie_prompts SET status = ?, envelope = ?, error = ?, attempts = ?,"
                + " lease_owner = ?, lease_expires_at = ?, fencing_token = ?, updated_at = ?,"
                + " completed_at = ?, upstream_status = ?, retry_after_ms = ?"
                + " WHERE result_id = ? AND id = ?");
    setResultState(s, 1, r);
    s.setString(12, r.id());
    s.setString(13, r.promptId());
    return s.executeUpdate() == 1;
  }

  /**
   * Ends every pending lease as of the time its result last changed. Only one process opens the
   * store, so on open every lease belongs to a process that has ended: a sweep resumes them now.
   */
  public static int endLeases(Db db) throws SQLException {
    return db.prepare(
            "UPDATE genie_prompts SET lease_expires_at = updated_at"
                + " WHERE status = 1 AND lease_expires_at > updated_at")
        .executeUpdate();
  }

  /** The eleven columns of a result's state, from {@code first} on, in update's order. */
  private static void setResultState(PreparedStatement s, int first, Result r) throws SQLException {
    s.setInt(first, statusCode(r.status()));
    s.setString(first + 1, r.envelope());
    s.setString(first + 2, r.error());
    s.setInt(first + 3, r.attempts());
    s.setString(first + 4, r.leaseOwner());
    setInstant(s, first + 5, r.leaseExpiresAt());
    s.setLong(first + 6, r.fencingToken());
    setInstant(s, first + 7, r.updatedAt());
    setInstant(s, first + 8, r.completedAt());
    s.setInt(first + 9, r.upstreamStatus());
    Columns.setNullableLong(
        s, first + 10, r.retryAfter() == null ? null : r.retryAfter().toMillis());
  }

  private static Optional<StoredPrompt> one(Db db, String sql, String value) throws SQLException {
    PreparedStatement s = db.prepare(sql);
    s.setString(1, value);
    List<StoredPrompt> rows = all(s);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  private static List<StoredPrompt> all(PreparedStatement s) throws SQLException {
    List<StoredPrompt> found = new ArrayList<>();
    try (ResultSet rows = s.executeQuery()) {
      while (rows.next()) {
        found.add(read(rows));
      }
    }
    return found;
  }

  private static StoredPrompt read(ResultSet rows) throws SQLException {
    Prompt prompt =
        new Prompt(
            rows.getString("id"),
            rows.getString("prompt_key"),
            rows.getString("raw_text"),
            rows.getString("normalized_text"),
            rows.getInt("normalizer_version"),
            instant(rows, "created_at"),
            rows.getString("profile_id"),
            rows.getString("profile"),
            rows.getString("namespace"));
    long retryAfter = rows.getLong("retry_after_ms");
    boolean noRetryAfter = rows.wasNull();
    Result result =
        new Result(
            rows.getString("result_id"),
            prompt.id(),
            Columns.status(rows.getInt("status")),
            rows.getString("envelope"),
            rows.getString("error"),
            rows.getInt("attempts"),
            rows.getString("lease_owner"),
            instant(rows, "lease_expires_at"),
            rows.getLong("fencing_token"),
            instant(rows, "result_created_at"),
            instant(rows, "updated_at"),
            instant(rows, "completed_at"),
            rows.getInt("upstream_status"),
            noRetryAfter ? null : Duration.ofMillis(retryAfter));
    return new StoredPrompt(prompt, result);
  }
}
