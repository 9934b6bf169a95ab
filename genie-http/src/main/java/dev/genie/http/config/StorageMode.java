package dev.genie.http.config;

/** Which store to use ({@code GENIE_STORAGE}). */
public enum StorageMode {
  /** SQL when DATABASE_URL is set, else legacy. */
  AUTO,
  SQL,
  LEGACY
}
