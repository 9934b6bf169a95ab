package dev.genie.persistence;

/** Where a result is in its life. */
public enum ResultStatus {
  PENDING,
  COMPLETED,
  FAILED;

  /** The lower-case name used in the database and the HTTP API. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static ResultStatus fromWireName(String name) {
    return valueOf(name.toUpperCase(java.util.Locale.ROOT));
  }
}
