package dev.genie.persistence;

import java.time.Instant;

/**
 * The one result of a prompt.
 *
 * @param envelope the canonical envelope JSON, present once completed
 * @param error why the last attempt failed, present once failed
 * @param attempts how many generations were started
 * @param leaseOwner who may generate now, while {@code leaseExpiresAt} is in the future
 * @param fencingToken increases with every lease granted; only its holder may complete
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
    Instant completedAt) {

  /** True while a live lease says someone is generating this result. */
  public boolean leaseLiveAt(Instant now) {
    return status == ResultStatus.PENDING && leaseExpiresAt != null && now.isBefore(leaseExpiresAt);
  }

  /** The fence as of this reading, to compare-and-set against. */
  public Fence fence() {
    return new Fence(id, fencingToken);
  }
}
