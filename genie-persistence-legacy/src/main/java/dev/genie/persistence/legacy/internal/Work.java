package dev.genie.persistence.legacy.internal;

import java.sql.SQLException;

/** What a caller does on a connection lent to it: a read, or one write of a batch. */
@FunctionalInterface
public interface Work<T> {
  T run(Db db) throws SQLException;
}
