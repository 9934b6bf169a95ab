package dev.genie.persistence.legacy;

import java.nio.file.Path;

/**
 * Where the legacy store keeps its files.
 *
 * @param dataDir the directory of the journal and its lock file, made absolute here so that every
 *     message names the same place whatever the working directory was
 */
public record LegacyStoreSettings(Path dataDir) {
  /** The directory used when none is configured. */
  public static final String DEFAULT_DATA_DIR = "./genie-data";

  public LegacyStoreSettings {
    if (dataDir == null || dataDir.toString().isBlank()) {
      throw new IllegalArgumentException(
          "LegacyStoreSettings.dataDir must name a directory for the legacy store (default "
              + DEFAULT_DATA_DIR
              + "), but it is empty");
    }
    dataDir = dataDir.toAbsolutePath().normalize();
  }
}
