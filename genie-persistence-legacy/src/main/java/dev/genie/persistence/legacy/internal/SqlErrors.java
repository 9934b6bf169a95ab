package dev.genie.persistence.legacy.internal;

import dev.genie.persistence.StoreException;
import dev.genie.persistence.StoreUnavailableException;
import dev.genie.persistence.legacy.CorruptStoreException;
import java.nio.file.Path;
import java.sql.SQLException;

/** SQLite's errors as the store's exceptions, each naming the file and what was being done. */
public final class SqlErrors {
  // SQLite's primary result codes (https://sqlite.org/rescode.html).
  private static final int BUSY = 5;
  private static final int LOCKED = 6;
  private static final int NOMEM = 7;
  private static final int READONLY = 8;
  private static final int IOERR = 10;
  private static final int CORRUPT = 11;
  private static final int FULL = 13;
  private static final int CANTOPEN = 14;
  private static final int NOTADB = 26;

  private SqlErrors() {}

  public static StoreException translate(Path file, String doing, SQLException e) {
    int code = e.getErrorCode() & 0xff;
    String detail = doing + ": " + e.getMessage();
    return switch (code) {
      case CORRUPT, NOTADB -> new CorruptStoreException(file, detail, e);
      case BUSY, LOCKED, NOMEM, READONLY, IOERR, FULL, CANTOPEN ->
          new StoreUnavailableException(
              "the legacy store's database " + file + " failed " + detail + "; check the disk", e);
      default -> new StoreException("the legacy store's database " + file + " failed " + detail, e);
    };
  }
}
