package dev.genie.persistence;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where prompts and their results live. Implementations decide every race here, atomically: two
 * callers that claim the same key get one prompt, one result and at most one live lease between
 * them.
 *
 * <p>Every method that changes state returns only after the change is durable.
 */
public interface PromptStore extends AutoCloseable {

  /** The store's name in configuration and in the {@code Genie-Storage} header. */
  String name();

  /**
   * Creates the prompt with a pending result and grants {@code terms.owner()} the generation lease,
   * or returns the existing state when the key is already stored. An existing result whose lease
   * has expired, or that failed with attempts left, is not taken over here: see {@link #takeOver}.
   *
   * @throws PromptKeyCollisionException when the key is stored for a different normalized text
   */
  Claim claim(NewPrompt prompt, LeaseTerms terms);

  /**
   * Grants a new lease on a result whose lease expired or whose last attempt failed with attempts
   * left, provided nobody else did since {@code observed} was read (compare-and-set on the token).
   * Returns empty when another caller got there first or the result no longer qualifies.
   */
  Optional<Claim> takeOver(Fence observed, LeaseTerms terms);

  /**
   * Extends the lease of {@code fence} to {@code terms.expiresAt()}, for a holder that is still
   * generating. False when the token is no longer current or the result no longer pending: the
   * lease was taken over, and the holder must stop.
   */
  boolean renew(Fence fence, LeaseTerms terms);

  /**
   * Renews every lease of {@code fences} that is still current, as {@link #renew} does each, and
   * returns those renewed; the others were taken over, and their holders must stop. A store that
   * can renews them all in one statement: a lease keeper calls this once per tick for every lease
   * its instance holds.
   */
  default Set<Fence> renew(Collection<Fence> fences, LeaseTerms terms) {
    Set<Fence> renewed = new HashSet<>();
    for (Fence fence : fences) {
      if (renew(fence, terms)) {
        renewed.add(fence);
      }
    }
    return renewed;
  }

  /**
   * Takes over up to {@code limit} pending results whose lease has expired, so that results whose
   * owner died are finished without waiting for a caller. Results another caller is taking over at
   * the same moment are skipped, not waited for.
   */
  List<Claim> takeOverExpired(LeaseTerms terms, int limit);

  /**
   * Stores the envelope if {@code fence} is still the current token, and returns the completed
   * result; empty for a stale owner, whose envelope is dropped.
   */
  Optional<Result> complete(Fence fence, String envelopeJson, Instant now);

  /**
   * Records a failed attempt, with the endpoint's status when it answered one, if {@code fence} is
   * still current; empty for a stale owner.
   */
  Optional<Result> fail(Fence fence, Failure failure, Instant now);

  /** {@link #fail(Fence, Failure, Instant)} for a failure that was not the endpoint's answer. */
  default Optional<Result> fail(Fence fence, String error, Instant now) {
    return fail(fence, Failure.of(error), now);
  }

  /** Ends a lease early so that another caller can take over at once; false for a stale owner. */
  boolean release(Fence fence, Instant now);

  Optional<StoredPrompt> find(String promptId);

  /** The prompt stored under {@code promptKey} with its result, claiming nothing. */
  Optional<StoredPrompt> findByKey(String promptKey);

  /** Newest first; {@code after} is the cursor returned with the previous page. */
  PromptPage list(int limit, Optional<PageCursor> after);

  /**
   * Newest first, only the prompts of {@code namespace}. The default serves stores that hold only
   * the {@value ApiKey#DEFAULT_NAMESPACE} namespace.
   */
  default PromptPage list(String namespace, int limit, Optional<PageCursor> after) {
    if (!ApiKey.DEFAULT_NAMESPACE.equals(namespace)) {
      throw new UnsupportedOperationException(
          "the " + name() + " store holds only the default namespace");
    }
    return list(limit, after);
  }

  /** The callers' keys, when this store keeps them. */
  default Optional<KeyStore> keys() {
    return Optional.empty();
  }

  /**
   * Opens a watch on a result: its {@link ResultWatch#await} returns early once the result changes.
   * Open it before reading the state you are going to wait on, so that no change is missed. The
   * default only sleeps, which is correct for callers that poll.
   */
  default ResultWatch watch(String resultId) {
    return watch(resultId, () -> {});
  }

  /**
   * Opens a watch that also runs {@code onChange} when the result changes, on the store's own
   * thread: it must return at once. The default never calls it, which is correct for callers that
   * poll.
   */
  default ResultWatch watch(String resultId, Runnable onChange) {
    return ResultWatch.sleeping();
  }

  /**
   * Checks that the store can serve requests now.
   *
   * @throws StoreUnavailableException when it cannot
   */
  void ping(Duration timeout);

  /**
   * What the store is connected to, for the startup line and {@code /health}: strings, and numbers
   * as {@link Integer}s; never a secret.
   */
  Map<String, Object> describe();

  @Override
  void close();
}
