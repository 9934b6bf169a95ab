package dev.genie.persistence;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The one result of a prompt.
 *
 * @param envelope the canonical envelope JSON, present once completed
 * @param error why the last attempt failed, present once failed
 * @param attempts how many generations were started afresh: the first, and one after each failure;
 *     a takeover of an expired lease continues an attempt and is not counted here
 * @param leaseOwner who may generate now, while {@code leaseExpiresAt} is in the future
 * @param fencingToken increases with every lease granted; only its holder may complete
 * @param upstreamStatus once failed: the HTTP status the model's endpoint answered, else 0
 * @param retryAfter once failed: the wait the endpoint asked for, else null
 */
public record Result(
    String id,
    String promptId,
    ResultStatus status,
    String envelope,
    String error,
    int attempts,
    String leaseOwner,
    Instant leaseExpiresAt,
    long fencingToken,
    Instant createdAt,
    Instant updatedAt,
    Instant completedAt,
    int upstreamStatus,
    Duration retryAfter) {

  /** A result without an upstream failure's status. */
  public Result(
      String id,
      String promptId,
      ResultStatus status,
      String envelope,
      String error,
      int attempts,
      String leaseOwner,
      Instant leaseExpiresAt,
      long fencingToken,
      Instant createdAt,
      Instant updatedAt,
      Instant completedAt) {
    this(
        id,
        promptId,
        status,
        envelope,
        error,
        attempts,
        leaseOwner,
        leaseExpiresAt,
        fencingToken,
        createdAt,
        updatedAt,
        completedAt,
        0,
        null);
  }

  /**
   * A new pending result whose lease {@code terms.owner()} holds: attempt 1, fencing token 1. The
   * steps below are the rules every store follows; the SQL store states the same in its SQL.
   */
  public static Result pending(String id, String promptId, LeaseTerms terms) {
    return new Result(
        id,
        promptId,
        ResultStatus.PENDING,
        null,
        null,
        1,
        terms.owner(),
        terms.expiresAt(),
        1,
        terms.now(),
        terms.now(),
        null);
  }

  /**
   * Whether a new lease may be granted: the current one expired, or it failed with attempts left.
   */
  public boolean canBeTakenOver(LeaseTerms terms) {
    return switch (status) {
      case PENDING -> !leaseLiveAt(terms.now());
      case FAILED -> attempts < terms.maxAttempts();
      case COMPLETED -> false;
    };
  }

  /**
   * Pending again under a new lease and the next fencing token; one attempt more after a failure,
   * none after an expired lease (its owner died or hung: that says nothing about the prompt).
   */
  public Result takenOver(LeaseTerms terms) {
    return new Result(
        id,
        promptId,
        ResultStatus.PENDING,
        null,
        null,
        status == ResultStatus.FAILED ? attempts + 1 : attempts,
        terms.owner(),
        terms.expiresAt(),
        fencingToken + 1,
        createdAt,
        terms.now(),
        null);
  }

  public Result completed(String envelopeJson, Instant now) {
    return new Result(
        id,
        promptId,
        ResultStatus.COMPLETED,
        envelopeJson,
        null,
        attempts,
        null,
        null,
        fencingToken,
        createdAt,
        now,
        now);
  }

  public Result failed(String why, Instant now) {
    return failed(Failure.of(why), now);
  }

  public Result failed(Failure failure, Instant now) {
    return new Result(
        id,
        promptId,
        ResultStatus.FAILED,
        null,
        failure.message(),
        attempts,
        null,
        null,
        fencingToken,
        createdAt,
        now,
        null,
        failure.upstreamStatus(),
        failure.retryAfter());
  }

  /** Why the last attempt failed; empty unless failed. */
  public Optional<Failure> failure() {
    return status == ResultStatus.FAILED && error != null
        ? Optional.of(new Failure(error, upstreamStatus, retryAfter))
        : Optional.empty();
  }

  /** The same lease, extended to {@code terms.expiresAt()} by its holder. */
  public Result renewed(LeaseTerms terms) {
    return new Result(
        id,
        promptId,
        status,
        null,
        null,
        attempts,
        leaseOwner,
        terms.expiresAt(),
        fencingToken,
        createdAt,
        terms.now(),
        null);
  }

  /**
   * How many leases were taken over after they expired. Every lease granted takes the next token,
   * and every one but those takeovers starts an attempt, so the difference is the count.
   */
  public int takeovers() {
    return (int) (fencingToken - attempts);
  }

  /** The lease ends now, so that the next takeover finds it expired. */
  public Result released(Instant now) {
    return new Result(
        id,
        promptId,
        status,
        null,
        null,
        attempts,
        leaseOwner,
        now,
        fencingToken,
        createdAt,
        now,
        null);
  }

  /** True while a live lease says someone is generating this result. */
  public boolean leaseLiveAt(Instant now) {
    return status == ResultStatus.PENDING && leaseExpiresAt != null && now.isBefore(leaseExpiresAt);
  }

  /** The fence as of this reading, to compare-and-set against. */
  public Fence fence() {
    return new Fence(id, fencingToken);
  }
}
