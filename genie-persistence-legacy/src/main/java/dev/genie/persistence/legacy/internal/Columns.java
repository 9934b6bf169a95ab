package dev.genie.persistence.legacy.internal;

import dev.genie.persistence.ResultStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/**
 * How values sit in the columns: instants as epoch microseconds (the precision callers pass and
 * PostgreSQL keeps), statuses by explicit code (the journal's, so that reordering the enum changes
 * nothing stored), absent values as NULL.
 */
final class Columns {
  private Columns() {}

  static void setInstant(PreparedStatement s, int index, Instant t) throws SQLException {
    if (t == null) {
      s.setNull(index, Types.INTEGER);
    } else {
      s.setLong(index, micros(t));
    }
  }

  static long micros(Instant t) {
    if (t.getNano() % 1_000 != 0) {
      throw new IllegalStateException(t + " has sub-microsecond digits; this is a bug");
    }
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
  }

  static Instant instant(ResultSet rows, String column) throws SQLException {
    long micros = rows.getLong(column);
    if (rows.wasNull()) {
      return null;
    }
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  static void setNullableLong(PreparedStatement s, int index, Long value) throws SQLException {
    if (value == null) {
      s.setNull(index, Types.INTEGER);
    } else {
      s.setLong(index, value);
    }
  }

  static int statusCode(ResultStatus status) {
    return switch (status) {
      case PENDING -> 1;
      case COMPLETED -> 2;
      case FAILED -> 3;
    };
  }

  static ResultStatus status(int code) {
    return switch (code) {
      case 1 -> ResultStatus.PENDING;
      case 2 -> ResultStatus.COMPLETED;
      case 3 -> ResultStatus.FAILED;
      default -> throw new IllegalStateException("unknown result status " + code + " stored");
    };
  }
}
