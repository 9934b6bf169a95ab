package dev.genie.persistence.sql;

/** Whose clock the SQL store reads for creation times and for lease expiry. */
public enum TimeSource {
  /**
   * PostgreSQL's {@code now()}: every instance sets and checks leases by the same clock, however
   * far their own clocks drift.
   */
  DATABASE,
  /** The {@code now} of each call's lease terms: for tests that move time by an injected clock. */
  CALLER
}
