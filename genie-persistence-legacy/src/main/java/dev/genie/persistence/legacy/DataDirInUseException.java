package dev.genie.persistence.legacy;

import dev.genie.persistence.StoreException;
import java.nio.file.Path;

/**
 * Another process (or another store in this one) has the store's directory open: the legacy store
 * is opened by one process at a time.
 */
public class DataDirInUseException extends StoreException {
  private final Path dataDir;

  public DataDirInUseException(Path dataDir, String lockFile) {
    super(
        "the legacy store directory "
            + dataDir
            + " is in use by another Genie process (or another store in this one), which holds"
            + " its lock file "
            + lockFile
            + "; stop that process, or set LegacyStoreSettings.dataDir"
            + " to select another directory");
    this.dataDir = dataDir;
  }

  public Path dataDir() {
    return dataDir;
  }
}
