package dev.genie.persistence.legacy;

import java.nio.file.Path;

/**
 * Where the legacy store keeps its files.
 *
 * @param dataDir the directory of the journal and its lock file, made absolute here so that every
 *     message names the same place whatever the working directory was
 */
public record LegacyStoreSettings(Path dataDir) {
  /** The environment key that selects the directory. */
  public static final String DATA_DIR_KEY = "GENIE_DATA_DIR";

  /** The directory used when {@value #DATA_DIR_KEY} is not set. */
  public static final String DEFAULT_DATA_DIR = "./genie-data";

  public LegacyStoreSettings {
    if (dataDir == null || dataDir.toString().isBlank()) {
      throw new IllegalArgumentException(
          DATA_DIR_KEY
              + " must name a directory for the legacy store (default "
              + DEFAULT_DATA_DIR
              + "), but it is empty");
    }
    dataDir = dataDir.toAbsolutePath().normalize();
  }
}
