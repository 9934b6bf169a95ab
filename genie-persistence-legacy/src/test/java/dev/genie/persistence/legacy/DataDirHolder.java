package dev.genie.persistence.legacy;

import java.io.IOException;
import java.nio.file.Path;

/** A second process for {@link LegacyJournalTest}: holds a data directory until stdin closes. */
public final class DataDirHolder {
  private DataDirHolder() {}

  public static void main(String[] args) throws IOException {
    try (LegacyPromptStore store =
        LegacyPromptStore.open(new LegacyStoreSettings(Path.of(args[0])))) {
      System.out.println("open " + store.describe().get("dataDir"));
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for the test to close our stdin
      }
    }
  }
}
