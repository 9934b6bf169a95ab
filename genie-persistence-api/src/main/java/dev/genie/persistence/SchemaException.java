package dev.genie.persistence;

/** The store's schema is missing, newer than this build, or could not be migrated. */
public class SchemaException extends StoreException {
  public SchemaException(String message) {
    super(message);
  }

  public SchemaException(String message, Throwable cause) {
    super(message, cause);
  }
}
