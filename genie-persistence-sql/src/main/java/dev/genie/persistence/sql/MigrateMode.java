package dev.genie.persistence.sql;

import java.util.Locale;

/** What the store does with the schema when it opens ({@link SqlStoreSettings#migrate()}). */
public enum MigrateMode {
  /** Apply pending migrations; several instances starting at once take turns. */
  APPLY,
  /** Refuse to start unless the schema is exactly this build's. */
  VALIDATE,
  /** Leave the schema alone; only check that the tables are there. */
  OFF;

  /**
   * @throws IllegalArgumentException naming the setting and the accepted values
   */
  public static MigrateMode parse(String value) {
    try {
      return valueOf(value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "SqlStoreSettings.migrate must be one of apply, validate, off: '" + value + "'", e);
    }
  }
}
