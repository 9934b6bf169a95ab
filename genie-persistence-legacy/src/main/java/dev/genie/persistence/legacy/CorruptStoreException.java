package dev.genie.persistence.legacy;

import dev.genie.persistence.StoreException;
import java.nio.file.Path;

/**
 * The store's database file is damaged or is not a database at all. The store refuses to open (or
 * to go on) rather than guess what the damaged pages held.
 */
public class CorruptStoreException extends StoreException {
  private final Path file;

  public CorruptStoreException(Path file, String detail, Throwable cause) {
    super(
        "the legacy store's database "
            + file
            + " is damaged or not a database ("
            + detail
            + "). Genie refuses to use it rather than drop acknowledged data; restore the"
            + " directory from a backup, or set LegacyStoreSettings.dataDir to another directory",
        cause);
    this.file = file;
  }

  public Path file() {
    return file;
  }
}
