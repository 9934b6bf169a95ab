package dev.genie.core;

import dev.genie.persistence.PromptStore;
import dev.genie.persistence.PromptStoreContract;

/** Keeps the fake honest: core's tests mean something only if it behaves like a real store. */
class FakePromptStoreContractTest extends PromptStoreContract {
  private FakePromptStore current;

  @Override
  protected PromptStore openStore() {
    current = new FakePromptStore();
    return current;
  }

  @Override
  protected PromptStore reopenStore() {
    return current;
  }
}
