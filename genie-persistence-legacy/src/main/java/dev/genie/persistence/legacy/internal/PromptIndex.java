package dev.genie.persistence.legacy.internal;

import dev.genie.persistence.PageCursor;
import dev.genie.persistence.Prompt;
import dev.genie.persistence.PromptPage;
import dev.genie.persistence.Result;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.StoredPrompt;
import dev.genie.persistence.legacy.internal.JournalRecord.PromptCreated;
import dev.genie.persistence.legacy.internal.JournalRecord.ResultChanged;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Every prompt with its current result, in memory, indexed the ways the store reads them. Built by
 * applying journal records in order; not thread-safe, the store serializes its calls.
 */
public final class PromptIndex {
  private static final Comparator<Prompt> NEWEST_FIRST =
      Comparator.comparing(Prompt::createdAt).thenComparing(Prompt::id).reversed();

  private final Map<String, Prompt> byKey = new HashMap<>();
  private final Map<String, StoredPrompt> byPromptId = new HashMap<>();
  private final Map<String, String> promptIdByResultId = new HashMap<>();
  private final NavigableSet<Prompt> newestFirst = new TreeSet<>(NEWEST_FIRST);

  /**
   * Applies one record.
   *
   * @throws IllegalStateException when it contradicts what is already applied
   */
  public void apply(JournalRecord.ResultRecord record) {
    if (record instanceof PromptCreated created) {
      add(created.prompt(), created.result());
    } else if (record instanceof ResultChanged changed) {
      update(changed.result());
    }
  }

  private void add(Prompt prompt, Result result) {
    if (byKey.containsKey(prompt.key())
        || byPromptId.containsKey(prompt.id())
        || promptIdByResultId.containsKey(result.id())
        || !result.promptId().equals(prompt.id())) {
      throw new IllegalStateException(
          "prompt "
              + prompt.id()
              + " with key "
              + prompt.key()
              + " is created twice; this is a bug");
    }
    byKey.put(prompt.key(), prompt);
    byPromptId.put(prompt.id(), new StoredPrompt(prompt, result));
    promptIdByResultId.put(result.id(), prompt.id());
    newestFirst.add(prompt);
  }

  private void update(Result result) {
    String promptId = promptIdByResultId.get(result.id());
    if (promptId == null || !promptId.equals(result.promptId())) {
      throw new IllegalStateException(
          "result " + result.id() + " changes before it was created; this is a bug");
    }
    byPromptId.put(promptId, new StoredPrompt(byPromptId.get(promptId).prompt(), result));
  }

  /**
   * Ends every pending lease, as of the time its result last changed. Only one process opens the
   * store, so after a replay every lease belongs to a process that has ended; nothing is journaled,
   * since every replay does the same.
   */
  public void endLeases() {
    byPromptId.replaceAll(
        (id, state) ->
            state.result().status() == ResultStatus.PENDING
                ? new StoredPrompt(
                    state.prompt(), state.result().released(state.result().updatedAt()))
                : state);
  }

  /** Up to {@code limit} pending results whose lease has expired at {@code now}. */
  public List<StoredPrompt> expiredLeases(Instant now, int limit) {
    List<StoredPrompt> expired = new ArrayList<>();
    for (StoredPrompt state : byPromptId.values()) {
      if (expired.size() == limit) {
        break;
      }
      if (state.result().status() == ResultStatus.PENDING && !state.result().leaseLiveAt(now)) {
        expired.add(state);
      }
    }
    return expired;
  }

  public Optional<Prompt> byKey(String key) {
    return Optional.ofNullable(byKey.get(key));
  }

  public Optional<StoredPrompt> byPromptId(String promptId) {
    return Optional.ofNullable(byPromptId.get(promptId));
  }

  public Optional<StoredPrompt> byResultId(String resultId) {
    return Optional.ofNullable(promptIdByResultId.get(resultId)).map(byPromptId::get);
  }

  /** Up to {@code limit} prompts after the cursor, newest first by creation time, then id. */
  public PromptPage page(int limit, Optional<PageCursor> after) {
    return page(null, limit, after);
  }

  /**
   * {@link #page(int, Optional)} of {@code namespace}'s prompts only, or of every namespace's when
   * null. Other namespaces' prompts are stepped over: fine for the few a single machine holds.
   */
  public PromptPage page(String namespace, int limit, Optional<PageCursor> after) {
    Iterator<Prompt> rest =
        after
            .map(
                c ->
                    newestFirst.tailSet(
                        new Prompt(c.promptId(), "", "", "", 0, c.createdAt()), false))
            .orElse(newestFirst)
            .iterator();
    List<StoredPrompt> items = new ArrayList<>();
    boolean more = false;
    while (rest.hasNext()) {
      Prompt prompt = rest.next();
      if (namespace != null && !namespace.equals(prompt.namespace())) {
        continue;
      }
      if (items.size() == limit) {
        more = true;
        break;
      }
      items.add(byPromptId.get(prompt.id()));
    }
    Optional<PageCursor> next =
        more
            ? Optional.of(PageCursor.after(items.get(items.size() - 1).prompt()))
            : Optional.empty();
    return new PromptPage(items, next);
  }

  public int size() {
    return byPromptId.size();
  }
}
