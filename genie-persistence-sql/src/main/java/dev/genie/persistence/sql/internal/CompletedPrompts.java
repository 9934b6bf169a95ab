package dev.genie.persistence.sql.internal;

import dev.genie.persistence.Prompt;
import dev.genie.persistence.Result;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.StoredPrompt;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The completed prompts this instance has read, by key, within a memory budget; the least recently
 * used go first. A completed result never changes again (complete, fail, take-over and release all
 * require it pending or failed), so a claim of one is answered from here with exactly what the
 * database would answer, without asking it. Nothing that is not completed is kept, so every race is
 * still decided in the database.
 */
public final class CompletedPrompts {
  /** Object headers, ids, times and map entry, roughly; the texts are counted on top. */
  private static final long ENTRY_OVERHEAD_BYTES = 512;

  private final long budgetBytes;
  private final Map<String, StoredPrompt> byKey = new LinkedHashMap<>(256, 0.75f, true);
  private long usedBytes;

  /** Keeps up to {@code budgetBytes} of completed prompts; 0 keeps none. */
  public CompletedPrompts(long budgetBytes) {
    this.budgetBytes = budgetBytes;
  }

  public synchronized Optional<StoredPrompt> get(String key) {
    return Optional.ofNullable(byKey.get(key));
  }

  /** Keeps {@code state} if its result is completed and it fits the budget; ignores it else. */
  public void remember(StoredPrompt state) {
    if (state.result().status() != ResultStatus.COMPLETED) {
      return;
    }
    long size = bytes(state);
    if (size > budgetBytes / 16) {
      return; // also when the budget is 0; and one huge answer must not push out a thousand
    }
    synchronized (this) {
      StoredPrompt previous = byKey.put(state.prompt().key(), state);
      usedBytes += size - (previous == null ? 0 : bytes(previous));
      Iterator<StoredPrompt> oldestFirst = byKey.values().iterator();
      while (usedBytes > budgetBytes && oldestFirst.hasNext()) {
        usedBytes -= bytes(oldestFirst.next());
        oldestFirst.remove();
      }
    }
  }

  /** An upper bound: two bytes a character. */
  private static long bytes(StoredPrompt state) {
    Prompt prompt = state.prompt();
    Result result = state.result();
    long chars =
        prompt.key().length()
            + prompt.rawText().length()
            + prompt.normalizedText().length()
            + (result.envelope() == null ? 0 : result.envelope().length());
    return ENTRY_OVERHEAD_BYTES + 2 * chars;
  }
}
