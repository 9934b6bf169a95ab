package dev.genie.http.config;

import dev.genie.persistence.legacy.LegacyStoreSettings;
import java.nio.file.Path;

/** The environment key of {@link LegacyStoreSettings}. */
final class LegacyStoreKeys {
  static final Key<Path> DATA_DIR =
      Key.of(
          "GENIE_DATA_DIR",
          "dataDir",
          Parser.accepting("a directory path", Path::of),
          LegacyStoreSettings.DEFAULT_DATA_DIR);

  static final KeyTable<Void> TABLE =
      KeyTable.<Void>of(LegacyStoreSettings.class).withKeys(DATA_DIR);

  private LegacyStoreKeys() {}

  static LegacyStoreSettings read(Env env) {
    return new LegacyStoreSettings(DATA_DIR.value(env));
  }
}
