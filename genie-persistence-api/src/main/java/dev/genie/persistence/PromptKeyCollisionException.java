package dev.genie.persistence;

/** Two different normalized texts share a key: the store refuses to merge them. */
public class PromptKeyCollisionException extends StoreException {
  private final String key;

  public PromptKeyCollisionException(String key) {
    super("prompt key " + key + " is already stored for a different normalized text");
    this.key = key;
  }

  public String key() {
    return key;
  }
}
