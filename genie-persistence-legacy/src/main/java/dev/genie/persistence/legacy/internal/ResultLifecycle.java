package dev.genie.persistence.legacy.internal;

import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.Prompt;
import dev.genie.persistence.Result;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.legacy.internal.JournalRecord.PromptCreated;
import dev.genie.persistence.legacy.internal.JournalRecord.ResultChanged;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * The steps of a result's life, each as the record that the journal keeps. Times are cut to
 * microseconds, the precision the journal (and PostgreSQL) keeps, so that what a caller is answered
 * equals what a restart replays.
 */
public final class ResultLifecycle {
  private ResultLifecycle() {}

  /** A new prompt with a pending result whose lease {@code terms.owner()} holds. */
  public static PromptCreated created(NewPrompt text, LeaseTerms terms) {
    Instant now = micros(terms.now());
    Prompt prompt =
        new Prompt(
            UUID.randomUUID().toString(),
            text.key(),
            text.rawText(),
            text.normalizedText(),
            text.normalizerVersion(),
            now);
    Result result =
        new Result(
            UUID.randomUUID().toString(),
            prompt.id(),
            ResultStatus.PENDING,
            null,
            null,
            1,
            terms.owner(),
            micros(terms.expiresAt()),
            1,
            now,
            now,
            null);
    return new PromptCreated(prompt, result);
  }

  /** Whether {@code r}'s lease expired, or its last attempt failed with attempts left. */
  public static boolean canTakeOver(Result r, LeaseTerms terms) {
    boolean expired = r.status() == ResultStatus.PENDING && !r.leaseLiveAt(terms.now());
    boolean retryable = r.status() == ResultStatus.FAILED && r.attempts() < terms.maxAttempts();
    return expired || retryable;
  }

  public static ResultChanged takenOver(Result r, LeaseTerms terms) {
    return new ResultChanged(
        new Result(
            r.id(),
            r.promptId(),
            ResultStatus.PENDING,
            null,
            null,
            r.attempts() + 1,
            terms.owner(),
            micros(terms.expiresAt()),
            r.fencingToken() + 1,
            r.createdAt(),
            micros(terms.now()),
            null));
  }

  public static ResultChanged completed(Result r, String envelopeJson, Instant now) {
    Instant at = micros(now);
    return new ResultChanged(
        new Result(
            r.id(),
            r.promptId(),
            ResultStatus.COMPLETED,
            envelopeJson,
            null,
            r.attempts(),
            null,
            null,
            r.fencingToken(),
            r.createdAt(),
            at,
            at));
  }

  public static ResultChanged failed(Result r, String error, Instant now) {
    return new ResultChanged(
        new Result(
            r.id(),
            r.promptId(),
            ResultStatus.FAILED,
            null,
            error,
            r.attempts(),
            null,
            null,
            r.fencingToken(),
            r.createdAt(),
            micros(now),
            null));
  }

  /** Ends the lease now, so that the next takeover finds it expired. */
  public static ResultChanged released(Result r, Instant now) {
    Instant at = micros(now);
    return new ResultChanged(
        new Result(
            r.id(),
            r.promptId(),
            r.status(),
            null,
            null,
            r.attempts(),
            r.leaseOwner(),
            at,
            r.fencingToken(),
            r.createdAt(),
            at,
            null));
  }

  private static Instant micros(Instant t) {
    return t.truncatedTo(ChronoUnit.MICROS);
  }
}
