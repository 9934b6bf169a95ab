package dev.genie.persistence.legacy.internal;

import dev.genie.persistence.Prompt;
import dev.genie.persistence.Result;

/**
 * One change, as a full snapshot of what it changed, so that replay only applies records in order
 * and never re-decides anything.
 */
public sealed interface JournalRecord {

  /** The id of the result this record sets, to wake its watchers. */
  String resultId();

  /** A prompt was created together with its first, pending result. */
  record PromptCreated(Prompt prompt, Result result) implements JournalRecord {
    @Override
    public String resultId() {
      return result.id();
    }
  }

  /** A result's new state after a takeover, completion, failure or release. */
  record ResultChanged(Result result) implements JournalRecord {
    @Override
    public String resultId() {
      return result.id();
    }
  }
}
