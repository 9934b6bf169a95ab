package dev.genie.persistence.legacy.internal;

import dev.genie.persistence.Failure;
import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.Prompt;
import dev.genie.persistence.Result;
import dev.genie.persistence.legacy.internal.JournalRecord.PromptCreated;
import dev.genie.persistence.legacy.internal.JournalRecord.ResultChanged;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * The steps of a result's life ({@link Result}'s rules), each as the record that the journal keeps.
 * Times are cut to microseconds, the precision the journal (and PostgreSQL) keeps, so that what a
 * caller is answered equals what a restart replays.
 */
public final class ResultLifecycle {
  private ResultLifecycle() {}

  /** A new prompt with a pending result whose lease {@code terms.owner()} holds. */
  public static PromptCreated created(NewPrompt text, LeaseTerms terms) {
    LeaseTerms exact = micros(terms);
    Prompt prompt = text.stored(UUID.randomUUID().toString(), exact.now());
    return new PromptCreated(
        prompt, Result.pending(UUID.randomUUID().toString(), prompt.id(), exact));
  }

  public static ResultChanged takenOver(Result r, LeaseTerms terms) {
    return new ResultChanged(r.takenOver(micros(terms)));
  }

  public static ResultChanged renewed(Result r, LeaseTerms terms) {
    return new ResultChanged(r.renewed(micros(terms)));
  }

  public static ResultChanged completed(Result r, String envelopeJson, Instant now) {
    return new ResultChanged(r.completed(envelopeJson, micros(now)));
  }

  public static ResultChanged failed(Result r, Failure failure, Instant now) {
    return new ResultChanged(r.failed(failure, micros(now)));
  }

  public static ResultChanged released(Result r, Instant now) {
    return new ResultChanged(r.released(micros(now)));
  }

  private static LeaseTerms micros(LeaseTerms terms) {
    return new LeaseTerms(
        terms.owner(),
        micros(terms.now()),
        terms.duration().truncatedTo(ChronoUnit.MICROS),
        terms.maxAttempts());
  }

  private static Instant micros(Instant t) {
    return t.truncatedTo(ChronoUnit.MICROS);
  }
}
