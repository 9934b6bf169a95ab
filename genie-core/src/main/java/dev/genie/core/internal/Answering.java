package dev.genie.core.internal;

import dev.genie.core.Answer;
import dev.genie.core.Answer.Cache;
import dev.genie.core.Answer.Outcome;
import dev.genie.core.CoreErrorCode;
import dev.genie.core.GenerationBudget;
import dev.genie.core.GenerationFailedException;
import dev.genie.core.GenieException;
import dev.genie.core.OrchestratorListener;
import dev.genie.core.OrchestratorSettings;
import dev.genie.core.Ticker;
import dev.genie.core.chat.ChatRequest;
import dev.genie.core.generate.Generator;
import dev.genie.core.generate.Usage;
import dev.genie.persistence.Claim;
import dev.genie.persistence.Failure;
import dev.genie.persistence.Fence;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.PromptStore;
import dev.genie.persistence.Result;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.StoredPrompt;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * How one orchestrator answers a prompt: looks for a stored answer, takes a generation slot (or
 * waits in line for one), reserves the caller's budget, claims, then generates under the lease or
 * waits for the caller that does, until the caller's deadline; a caller waiting takes an expired
 * lease over. Deadlines are {@link Ticker#nanoTime} values.
 */
public final class Answering {
  /**
   * How often a request that found a failed chat result tries to take it over when others race it
   * to the same, before it is answered with the failure they met.
   */
  private static final int RETRY_RACES = 3;

  private final PromptStore store;
  private final Map<String, Generator> generators;
  private final OrchestratorListener listener;
  private final GenerationQueue queue;
  private final GenerationRuns runs;
  private final Deadlines<Answer> deadlines;
  private final Pools pools;
  private final PendingResults pending;
  private final Ticker ticker;
  private final Grants grants;
  private final Supplier<Instant> clock;
  private final BooleanSupplier stopping;
  private final GenerationBudget.Takeovers takeovers;

  /**
   * @param clock the time of the store's calls
   * @param stopping whether a stop has begun: no waiter takes a lease over then
   * @param takeovers what generations taken over by a waiter are charged to
   */
  public Answering(
      PromptStore store,
      Map<String, Generator> generators,
      OrchestratorListener listener,
      OrchestratorSettings settings,
      GenerationQueue queue,
      GenerationRuns runs,
      Deadlines<Answer> deadlines,
      Pools pools,
      Ticker ticker,
      Grants grants,
      Supplier<Instant> clock,
      BooleanSupplier stopping,
      GenerationBudget.Takeovers takeovers) {
    this.store = store;
    this.generators = Map.copyOf(generators);
    this.listener = listener;
    this.queue = queue;
    this.runs = runs;
    this.deadlines = deadlines;
    this.pools = pools;
    this.ticker = ticker;
    this.grants = grants;
    this.clock = clock;
    this.stopping = stopping;
    this.takeovers = takeovers;
    this.pending =
        new PendingResults(
            store,
            pools.timer,
            pools.reads,
            settings.pollInitial(),
            settings.pollMax(),
            settings.maxAttempts(),
            new Waiters());
  }

  public CompletableFuture<Answer> answer(
      NewPrompt prompt, GenerationBudget budget, Duration wait) {
    long deadline = ticker.nanoTime() + wait.toNanos();
    boolean looked = false;
    if (budget.mayRefuse()) {
      // A stored answer needs no budget, so it is looked for first: a hit costs no read of what the
      // caller has spent. The budget is asked once, before the claim: a lease claimed and then
      // refused would be released with its result pending, for the next sweep to generate charged
      // to nobody.
      Optional<CompletableFuture<Answer>> stored = answerFromStored(prompt, deadline);
      if (stored.isPresent()) {
        listener.claimLost(); // found, as a claim would have
        return stored.get();
      }
      looked = true;
    }
    // A generation that blocks runs in a slot of the generation queue, taken before the claim: a
    // caller that waits for one has claimed nothing, so leaving the line changes nothing.
    boolean slotted = needsSlot(prompt.profileId());
    boolean slotFree = slotted && queue.tryAcquire();
    if (slotted && !slotFree && !looked) {
      // Stored answers and pending ones never wait in the line.
      Optional<CompletableFuture<Answer>> stored = answerFromStored(prompt, deadline);
      if (stored.isPresent()) {
        listener.claimLost();
        return stored.get();
      }
    }
    // Reserved before the claim, so that parallel requests of one key cannot all start
    // generations that together overshoot its budget; given back when the claim wins nothing.
    GenerationBudget.Reservation reservation;
    try {
      reservation = budget.reserve(worstCase(prompt));
    } catch (RuntimeException e) {
      if (slotFree) {
        queue.release();
      }
      throw e;
    }
    if (!slotted) {
      return claimHolding(prompt, reservation, deadline, () -> {});
    }
    if (slotFree) {
      return claimHolding(prompt, reservation, deadline, slot());
    }
    CompletableFuture<Void> turn;
    try {
      turn = queue.acquire(prompt.namespace());
    } catch (RuntimeException e) {
      reservation.settle(Usage.NONE);
      throw e;
    }
    if (turn.isDone() && !turn.isCompletedExceptionally()) {
      return claimHolding(prompt, reservation, deadline, slot());
    }
    leaveAt(prompt.namespace(), turn, deadline, wait);
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    turn.whenComplete(
        (granted, failure) -> {
          if (failure != null) {
            reservation.settle(Usage.NONE);
            answer.completeExceptionally(unwrap(failure));
            return;
          }
          // Claimed off the thread that gave the slot back: that may be a generation's own.
          Runnable slot = slot();
          try {
            pools.reads.execute(
                () -> {
                  try {
                    relay(claimHolding(prompt, reservation, deadline, slot), answer);
                  } catch (RuntimeException e) {
                    answer.completeExceptionally(e);
                  }
                });
          } catch (RejectedExecutionException e) {
            slot.run();
            reservation.settle(Usage.NONE);
            answer.completeExceptionally(shuttingDown());
          }
        });
    return answer;
  }

  /**
   * Takes {@code turn} out of the line at the caller's deadline, unless its slot came first: the
   * caller is then answered {@code OVERLOADED}, having claimed nothing.
   */
  private void leaveAt(
      String namespace, CompletableFuture<Void> turn, long deadline, Duration wait) {
    Runnable leave =
        () -> {
          if (queue.leave(namespace, turn)) {
            GenieException ended =
                new GenieException(
                    CoreErrorCode.OVERLOADED,
                    "no generation slot came free within the wait of "
                        + wait.toMillis()
                        + " ms (OrchestratorSettings.generationConcurrency); nothing was started;"
                        + " retry shortly");
            // Settled off the timer, whose tasks never wait: the caller's budget is given back.
            try {
              pools.reads.execute(() -> turn.completeExceptionally(ended));
            } catch (RejectedExecutionException e) {
              turn.completeExceptionally(ended);
            }
          }
        };
    try {
      ScheduledFuture<?> due =
          pools.timer.schedule(leave, deadline - ticker.nanoTime(), TimeUnit.NANOSECONDS);
      turn.whenComplete((granted, failure) -> due.cancel(false));
    } catch (RejectedExecutionException e) {
      // Stopping: the queue's close ends the wait.
    }
  }

  /** Whether a generation of {@code profileId} takes a slot: it runs on a thread of its own. */
  private boolean needsSlot(String profileId) {
    Generator writer = generators.get(profileId);
    return writer != null && writer.blocks();
  }

  /** Gives a held slot back once, however often it is run. */
  private Runnable slot() {
    AtomicBoolean held = new AtomicBoolean(true);
    return () -> {
      if (held.getAndSet(false)) {
        queue.release();
      }
    };
  }

  /**
   * Claims {@code prompt} holding {@code slot} (given back when no generation of this caller's
   * starts, or when the one started ends) and answers.
   */
  private CompletableFuture<Answer> claimHolding(
      NewPrompt prompt, GenerationBudget.Reservation reservation, long deadline, Runnable slot) {
    Claim claim;
    try {
      claim = store.claim(prompt, grants.terms(now()));
    } catch (RuntimeException e) {
      reservation.settle(Usage.NONE);
      slot.run();
      throw e;
    }
    if (claim.lease().isPresent()) {
      listener.claimWon();
      reservation.started(claim.state().prompt().id());
      return generateWithin(claim, claim.created(), deadline, reservation, slot);
    }
    listener.claimLost();
    if (claim.state().result().status() == ResultStatus.FAILED
        && ChatRequest.isChat(claim.state().prompt())) {
      return generateAgain(claim.state(), deadline, reservation, slot);
    }
    slot.run(); // someone else generates it
    reservation.settle(Usage.NONE);
    if (claim.state().result().status() == ResultStatus.COMPLETED) {
      // The common case: nothing to wait for.
      return CompletableFuture.completedFuture(
          new Answer(Outcome.EXISTING, claim.state(), Cache.HIT));
    }
    return awaitSettled(claim.state(), false, deadline);
  }

  /**
   * Takes over up to {@code limit} expired leases, no more than generation slots are free now: the
   * rest wait for the next pass.
   */
  public List<Claim> sweep(int limit) {
    int slots = queue.lend(limit);
    if (slots == 0) {
      return List.of();
    }
    List<Claim> claims = List.of();
    try {
      claims = store.takeOverExpired(grants.terms(now()), slots);
      return claims;
    } finally {
      queue.endLoan(slots, claims.size());
    }
  }

  /** The most a generation of {@code prompt} may use, as its generator knows it. */
  private OptionalLong worstCase(NewPrompt prompt) {
    Generator writer = generators.get(prompt.profileId());
    return writer == null ? OptionalLong.empty() : writer.worstCaseTokens(prompt.normalizedText());
  }

  /**
   * A request that finds a failed chat result generates it again at once (the failure was its
   * waiters' answer, not the next request's): it takes the lease over under the token it read, with
   * no limit of attempts. Another request that got there first is waited for instead.
   */
  private CompletableFuture<Answer> generateAgain(
      StoredPrompt failed, long deadline, GenerationBudget.Reservation reservation, Runnable slot) {
    boolean settled = false;
    try {
      StoredPrompt seen = failed;
      for (int race = 0; race < RETRY_RACES; race++) {
        Optional<Claim> takeover = store.takeOver(seen.result().fence(), grants.unlimited(now()));
        if (takeover.isPresent()) {
          listener.tookOver();
          settled = true;
          reservation.started(seen.prompt().id());
          return generateWithin(takeover.get(), false, deadline, reservation, slot);
        }
        seen = pending.current(seen.prompt().id());
        switch (seen.result().status()) {
          case COMPLETED -> {
            return CompletableFuture.completedFuture(new Answer(Outcome.EXISTING, seen, Cache.HIT));
          }
          case PENDING -> {
            return awaitSettled(seen, false, deadline);
          }
          case FAILED -> {} // another request's new attempt failed meanwhile: try once more
        }
      }
      return CompletableFuture.failedFuture(failureOf(seen));
    } finally {
      if (!settled) {
        reservation.settle(Usage.NONE); // no generation of this caller's: given back
        slot.run();
      }
    }
  }

  /**
   * The answer that needs no generation of this caller's: the stored result, or the one another
   * caller is generating; none for a prompt not stored, or failed, which takes a generation.
   * Nothing is claimed.
   */
  private Optional<CompletableFuture<Answer>> answerFromStored(NewPrompt prompt, long deadline) {
    return store
        .findByKey(prompt.key())
        .flatMap(
            state ->
                switch (state.result().status()) {
                  case COMPLETED ->
                      Optional.of(
                          CompletableFuture.completedFuture(
                              new Answer(Outcome.EXISTING, state, Cache.HIT)));
                  case PENDING -> Optional.of(awaitSettled(state, false, deadline));
                  case FAILED -> Optional.empty();
                });
  }

  /**
   * Runs the generation and answers with it until the deadline: on the caller's thread when the
   * generator does not block, else on a thread of its own, which goes on after the deadline. A
   * stop's end answers pending at once, after releasing the lease and interrupting the run.
   */
  private CompletableFuture<Answer> generateWithin(
      Claim claim,
      boolean created,
      long deadline,
      GenerationBudget.Reservation reservation,
      Runnable slot) {
    Generator writer = generators.get(claim.state().prompt().profileId());
    if (writer == null || !writer.blocks()) {
      Optional<StoredPrompt> done;
      try {
        done = runs.generate(claim, reservation, deadline);
      } finally {
        slot.run();
      }
      if (done.isPresent()) {
        return CompletableFuture.completedFuture(answer(created, done.get(), Cache.MISS));
      }
      return awaitSettled(claim.state(), created, deadline);
    }
    Fence fence = claim.lease().orElseThrow();
    CompletableFuture<Optional<StoredPrompt>> generation = new CompletableFuture<>();
    // The slot goes back when the run ends, every way it ends: it settles the generation.
    generation.whenComplete((done, failure) -> slot.run());
    if (!runs.inBackground(claim, reservation, generation)) {
      slot.run();
      throw shuttingDown();
    }
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    generation.whenComplete(
        (done, failure) -> {
          if (failure != null) {
            answer.completeExceptionally(unwrap(failure));
          } else if (done.isPresent()) {
            answer.complete(answer(created, done.get(), Cache.MISS));
          } else {
            relay(awaitSettled(claim.state(), created, deadline), answer);
          }
        });
    deadlines.park(
        answer,
        deadline,
        () -> new Answer(Outcome.PENDING, claim.state(), Cache.MISS),
        () -> {
          // Released before the answer, so that the caller's next try finds it free elsewhere;
          // interrupted after it, so that the run's own end cannot answer first.
          runs.release(fence);
          answer.complete(new Answer(Outcome.PENDING, claim.state(), Cache.MISS));
          runs.cancel(fence);
        });
    return answer;
  }

  /** Generates a result taken over by a waiter, on a thread of its own. */
  private CompletableFuture<Optional<StoredPrompt>> generateTakenOver(Claim claim) {
    CompletableFuture<Optional<StoredPrompt>> generation = new CompletableFuture<>();
    // Holds the slot its takeover took, until the run ends.
    generation.whenComplete((done, failure) -> queue.release());
    // Taken over on behalf of every waiter of this process: charged to none of their budgets, but
    // to the key that started the prompt's generation.
    if (!runs.inBackground(claim, takeovers.of(claim.state().prompt().id()), generation)) {
      generation.completeExceptionally(shuttingDown());
    }
    return generation;
  }

  public static GenieException shuttingDown() {
    return new GenieException(
        CoreErrorCode.SHUTTING_DOWN, "Genie is shutting down; retry elsewhere");
  }

  /** Settles {@code to} as {@code from} settles, and ends {@code from} once {@code to} settled. */
  private static void relay(CompletableFuture<Answer> from, CompletableFuture<Answer> to) {
    from.whenComplete(
        (answer, failure) -> {
          if (failure != null) {
            to.completeExceptionally(unwrap(failure));
          } else {
            to.complete(answer);
          }
        });
    to.whenComplete((answer, failure) -> from.complete(answer));
  }

  /**
   * Waits for another caller's result without holding a thread: one poller per result, shared by
   * every caller of this process waiting for it, reads it on every change signal or pause and takes
   * the lease over when it expired or the last attempt failed with attempts left.
   */
  private CompletableFuture<Answer> awaitSettled(
      StoredPrompt seen, boolean created, long deadline) {
    long started = ticker.nanoTime();
    PendingResults.Wait wait = pending.join(seen);
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    answer.whenComplete(
        (done, failure) -> {
          wait.leave();
          listener.waited(
              since(started),
              failure != null || (done != null && done.outcome() != Outcome.PENDING));
        });
    wait.settled()
        .whenComplete(
            (state, failure) -> {
              if (failure != null) {
                answer.completeExceptionally(unwrap(failure));
              } else {
                answer.complete(
                    answer(created, state, wait.ranTheGeneration() ? Cache.MISS : Cache.COALESCED));
              }
            });
    deadlines.park(
        answer, deadline, () -> new Answer(Outcome.PENDING, seen, Cache.COALESCED), null);
    return answer;
  }

  private static Answer answer(boolean created, StoredPrompt state, Cache cache) {
    return new Answer(created ? Outcome.CREATED : Outcome.EXISTING, state, cache);
  }

  public static RuntimeException unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof java.util.concurrent.CompletionException
            || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof RuntimeException runtime) {
      return runtime;
    }
    return new IllegalStateException("a generation threw " + cause + "; this is a bug", cause);
  }

  /** What the shared pollers of pending results ask of their orchestrator. */
  private final class Waiters implements PendingResults.Owner {
    @Override
    public Instant now() {
      return Answering.this.now();
    }

    @Override
    public boolean stopping() {
      return stopping.getAsBoolean();
    }

    @Override
    public Optional<Claim> takeOver(Result result, Instant now) {
      // Without a free slot the waiter waits on, as if the result were still pending: the
      // generations in the slots and the callers in line come first.
      if (!queue.tryAcquire()) {
        return Optional.empty();
      }
      Optional<Claim> takeover;
      try {
        takeover = store.takeOver(result.fence(), grants.terms(now));
      } catch (RuntimeException e) {
        queue.release();
        throw e;
      }
      if (takeover.isEmpty()) {
        queue.release();
        return takeover;
      }
      listener.tookOver();
      return takeover; // its run gives the slot back: generateTakenOver
    }

    @Override
    public CompletableFuture<Optional<StoredPrompt>> generate(Claim claim) {
      return generateTakenOver(claim);
    }

    @Override
    public RuntimeException failure(StoredPrompt exhausted) {
      return failureOf(exhausted);
    }

    @Override
    public boolean failureIsTheAnswer(StoredPrompt failed) {
      return ChatRequest.isChat(failed.prompt());
    }
  }

  private static GenerationFailedException failureOf(StoredPrompt failed) {
    Result result = failed.result();
    return new GenerationFailedException(
        failed.prompt().id(),
        result.id(),
        result.attempts(),
        result.failure().orElse(Failure.of(String.valueOf(result.error()))));
  }

  private Instant now() {
    return clock.get();
  }

  private Duration since(long startedNanos) {
    return Duration.ofNanos(ticker.nanoTime() - startedNanos);
  }
}
