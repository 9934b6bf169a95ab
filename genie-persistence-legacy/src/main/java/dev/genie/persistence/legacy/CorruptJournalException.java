package dev.genie.persistence.legacy;

import dev.genie.persistence.StoreException;
import java.nio.file.Path;

/**
 * The journal is damaged somewhere other than its last record, so opening it would drop records
 * that were acknowledged. The store refuses to open instead.
 */
public class CorruptJournalException extends StoreException {
  private final Path journal;
  private final long offset;

  public CorruptJournalException(Path journal, long offset, String detail) {
    super(
        "the legacy store's journal "
            + journal
            + " is corrupt at offset "
            + offset
            + ": "
            + detail
            + ". Genie refuses to open it rather than drop acknowledged data; restore the file"
            + " from a backup, or set LegacyStoreSettings.dataDir"
            + " to another directory");
    this.journal = journal;
    this.offset = offset;
  }

  public Path journal() {
    return journal;
  }

  /** Where the damaged record starts, in bytes from the start of the file. */
  public long offset() {
    return offset;
  }
}
