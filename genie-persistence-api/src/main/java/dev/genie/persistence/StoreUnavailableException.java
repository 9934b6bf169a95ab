package dev.genie.persistence;

/**
 * The store cannot serve now (unreachable, overloaded, timed out); the same call may work later.
 */
public class StoreUnavailableException extends StoreException {
  public StoreUnavailableException(String message) {
    super(message);
  }

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
