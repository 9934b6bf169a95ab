package dev.genie.core.internal;

import dev.genie.core.CoreErrorCode;
import dev.genie.core.GenerationBudget.Reservation;
import dev.genie.core.GenerationBudget.Takeovers;
import dev.genie.core.GenerationFailedException;
import dev.genie.core.GeneratorUnavailableException;
import dev.genie.core.GenieException;
import dev.genie.core.HandOver;
import dev.genie.core.OrchestratorListener;
import dev.genie.core.OrchestratorListener.GenerationOutcome;
import dev.genie.core.Ticker;
import dev.genie.core.envelope.Envelope;
import dev.genie.core.envelope.EnvelopeCodec;
import dev.genie.core.generate.Generation;
import dev.genie.core.generate.GenerationException;
import dev.genie.core.generate.Generator;
import dev.genie.core.generate.Usage;
import dev.genie.core.internal.RunningGenerations.Reason;
import dev.genie.core.internal.RunningGenerations.Run;
import dev.genie.persistence.Claim;
import dev.genie.persistence.Failure;
import dev.genie.persistence.Fence;
import dev.genie.persistence.Prompt;
import dev.genie.persistence.PromptStore;
import dev.genie.persistence.Result;
import dev.genie.persistence.StoreException;
import dev.genie.persistence.StoreUnavailableException;
import dev.genie.persistence.StoredPrompt;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs generations under their lease: renews it while the generator runs within its timeout, stores
 * the result under the fencing token (retrying a store that is unavailable for the moment within
 * the lease held when the generation ended), records failures, and reports every run's outcome;
 * every run ends, and one that cannot store its result lets its lease go. Runs that nobody waits on
 * go to the generation pool ({@link Pools}), one thread per generation slot: every run handed to it
 * holds a slot of the {@link GenerationQueue}, so none waits there for long. Runs are cancelled by
 * {@link RunningGenerations} only.
 */
public final class GenerationRuns {
  private static final Logger log = LoggerFactory.getLogger(GenerationRuns.class);
  private static final int MAX_ERROR_CHARS = 500;
  private static final Duration FIRST_STORE_RETRY = Duration.ofMillis(50);
  private static final Duration LONGEST_STORE_RETRY = Duration.ofSeconds(1);

  private final PromptStore store;
  private final Map<String, Generator> generators;
  private final OrchestratorListener listener;
  private final LeaseKeeper leases;
  private final RunningGenerations running;
  private final Supplier<Instant> clock;
  private final Ticker ticker;
  private final BooleanSupplier stopping;
  private final HandOver handOver;
  private final ExecutorService generations;
  private final Takeovers takeovers;
  private final Set<Fence> releasedInStop = ConcurrentHashMap.newKeySet();

  /**
   * @param generators each generator by the id of the profile it writes
   * @param running the runs of this process, and the one place that cancels them
   * @param clock the time of envelopes and of the store's calls
   * @param ticker how long a run took, and the pauses between tries to store its result
   * @param stopping whether a stop has begun, when releases are counted
   * @param handOver what a generation started for a caller takes along to its own thread
   * @param takeovers what the generations of results a sweep took over are charged to
   * @param generations the generation pool, one thread per generation slot
   */
  public GenerationRuns(
      PromptStore store,
      Map<String, Generator> generators,
      OrchestratorListener listener,
      LeaseKeeper leases,
      RunningGenerations running,
      Supplier<Instant> clock,
      Ticker ticker,
      BooleanSupplier stopping,
      Takeovers takeovers,
      HandOver handOver,
      ExecutorService generations) {
    this.store = store;
    this.takeovers = takeovers;
    this.generators = Map.copyOf(generators);
    this.listener = listener;
    this.leases = leases;
    this.running = running;
    this.clock = clock;
    this.ticker = ticker;
    this.stopping = stopping;
    this.handOver = handOver;
    this.generations = generations;
  }

  /**
   * Lets running generations finish for up to {@code grace}, then interrupts the rest and releases
   * their leases. Returns how many leases were released since the stop began.
   */
  public int shutdown(Duration grace) {
    generations.shutdown();
    try {
      if (!generations.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        running.stop();
        // A generator that ignores the interrupt is not waited for: its lease is released below.
        generations.awaitTermination(100, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    running.fences(fence -> true).forEach(this::release);
    return releasedInStop.size();
  }

  /**
   * Starts the generation on a thread of its own, to settle {@code generation}; false when the
   * orchestrator is shutting down, and the lease was released.
   */
  public boolean inBackground(
      Claim claim, Reservation reservation, CompletableFuture<Optional<StoredPrompt>> generation) {
    Run run = running.begin(claim.lease().orElseThrow());
    try {
      generations.execute(
          handOver.carry(
              () -> {
                try (run) {
                  generation.complete(generate(run, claim, reservation, null));
                } catch (Throwable failure) {
                  generation.completeExceptionally(failure);
                }
              }));
      return true;
    } catch (RejectedExecutionException e) {
      run.close();
      settleQuietly(reservation, Usage.NONE, claim.state().prompt());
      release(claim.lease().orElseThrow());
      return false;
    }
  }

  /**
   * Stops the generation under {@code fence}, which a stop's end gives up: its thread is
   * interrupted, and the run lets its lease go.
   */
  public void cancel(Fence fence) {
    running.cancel(fence, Reason.STOPPED);
  }

  /**
   * Runs the generations of results a sweep took over; nobody waits for them here. {@code ended}
   * runs once after each, however it ended (the sweep's slot goes back).
   */
  public void resume(List<Claim> claims, Runnable ended) {
    listener.swept(claims.size());
    for (Claim claim : claims) {
      listener.tookOver();
      log.info(
          "resuming prompt {}: its lease expired without renewal", claim.state().prompt().id());
      Run run = running.begin(claim.lease().orElseThrow());
      try {
        generations.execute(
            () -> {
              try (run) {
                generateQuietly(run, claim);
              } finally {
                ended.run();
              }
            });
      } catch (RejectedExecutionException e) {
        // Not started: nothing to charge.
        run.close();
        release(claim.lease().orElseThrow());
        ended.run();
      }
    }
  }

  private void generateQuietly(Run run, Claim claim) {
    try {
      generate(run, claim, takeovers.of(claim.state().prompt().id()), null);
    } catch (GenieException e) {
      log.debug("a resumed generation ended: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("a resumed generation of prompt {} failed", claim.state().prompt().id(), e);
    }
  }

  /**
   * Generates and completes under the claim's fence on this thread, renewing the lease meanwhile,
   * for a caller that waits on it: a result that the store keeps refusing is given up at {@code
   * answerBy} (the ticker's time; null for no bound but the lease), so that the caller is answered
   * in time. Empty when the fence went stale: another caller owns the result now.
   */
  public Optional<StoredPrompt> generate(Claim claim, Reservation reservation, Long answerBy) {
    try (Run run = running.begin(claim.lease().orElseThrow())) {
      return generate(run, claim, reservation, answerBy);
    }
  }

  /**
   * Runs {@code run}. The reservation is settled on every way out: to what the model reported,
   * nothing when no call was made, and kept whole when the use is unknown.
   */
  private Optional<StoredPrompt> generate(
      Run run, Claim claim, Reservation reservation, Long answerBy) {
    Usage[] used = {null};
    try {
      return generate(run, claim, used, answerBy);
    } finally {
      // Charged after the result is stored, so that a failure to record cannot lose it, and
      // whether or not it was kept: the model did the work.
      settleQuietly(reservation, used[0], claim.state().prompt());
    }
  }

  private Optional<StoredPrompt> generate(Run run, Claim claim, Usage[] used, Long answerBy) {
    Fence fence = claim.lease().orElseThrow();
    Prompt prompt = claim.state().prompt();
    long started = ticker.nanoTime();
    Generator generator = generators.get(prompt.profileId());
    if (generator == null) {
      // Claimed by a sweep, or asked for, on an instance configured for other profiles.
      used[0] = Usage.NONE;
      return recordFailure(
          claim,
          Failure.of(
              "no generator on this instance writes the profile "
                  + prompt.profileId()
                  + "; an instance configured with it generates it when asked"),
          started);
    }
    run.attach(generator.timeout());
    try (LeaseKeeper.Hold hold = leases.hold(fence)) {
      Generation generation;
      try {
        generation = generator.generate(prompt.normalizedText());
      } catch (InterruptedException e) {
        if (cancelled(run, Reason.FENCED_OUT)) {
          return fencedOut(prompt, started);
        }
        if (cancelled(run, Reason.TIMED_OUT)) {
          return recordFailure(claim, Failure.of(timedOut(generator)), started);
        }
        throw abandoned(fence, prompt, started);
      } catch (GeneratorUnavailableException e) {
        // Not an attempt: released, so that the next caller may try once the generator is back.
        used[0] = Usage.NONE;
        release(fence);
        listener.generated(GenerationOutcome.UNAVAILABLE, since(started));
        throw e;
      } catch (Exception e) {
        used[0] = usedBy(e);
        if (cancelled(run, Reason.FENCED_OUT)) {
          return fencedOut(prompt, started);
        }
        if (cancelled(run, Reason.TIMED_OUT)) {
          Thread.interrupted(); // the timeout's, which the generator may have kept
          return recordFailure(claim, Failure.of(timedOut(generator)), started);
        }
        return recordFailure(claim, failure(e), started);
      }
      run.generated();
      used[0] = generation.usage() == null ? Usage.NONE : generation.usage();
      return store(run, claim, generation, hold, started, answerBy);
    }
  }

  private static boolean cancelled(Run run, Reason reason) {
    return run.cancelled().filter(reason::equals).isPresent();
  }

  /**
   * Completes under the fence. A store that is unavailable for the moment is tried again with
   * backoff while the lease held when the generation ended lasts, since the result exists only
   * here, and no longer: renewals meanwhile do not extend the bound, so that a completion the store
   * keeps refusing cannot keep the lease alive. After that the lease is released, so that the next
   * caller generates at once instead of waiting it out.
   */
  private Optional<StoredPrompt> store(
      Run run,
      Claim claim,
      Generation generation,
      LeaseKeeper.Hold hold,
      long started,
      Long answerBy) {
    Fence fence = claim.lease().orElseThrow();
    Prompt prompt = claim.state().prompt();
    Instant now = now();
    String envelope =
        generation.document() != null
            ? generation.document()
            : EnvelopeCodec.write(Envelope.of(generation, now));
    long giveUpAt = hold.liveUntilNanos();
    if (answerBy != null && answerBy - giveUpAt < 0) {
      giveUpAt = answerBy;
    }
    Duration pause = FIRST_STORE_RETRY;
    while (true) {
      Optional<Result> completed;
      try {
        completed = store.complete(fence, envelope, now);
      } catch (StoreException e) {
        if (cancelled(run, Reason.FENCED_OUT)) {
          return fencedOut(prompt, started);
        }
        boolean retry =
            e instanceof StoreUnavailableException
                && ticker.nanoTime() + pause.toNanos() - giveUpAt < 0;
        if (!retry) {
          log.warn(
              "could not store the result of prompt {}; its lease is released: {}",
              prompt.id(),
              e.getMessage());
          release(fence);
          listener.generated(GenerationOutcome.UNSTORED, since(started));
          throw e;
        }
        log.info(
            "storing the result of prompt {} failed; retrying: {}", prompt.id(), e.getMessage());
        try {
          ticker.sleep(pause);
        } catch (InterruptedException interrupted) {
          if (cancelled(run, Reason.FENCED_OUT)) {
            return fencedOut(prompt, started);
          }
          throw abandoned(fence, prompt, started);
        }
        pause = min(pause.multipliedBy(2), LONGEST_STORE_RETRY);
        continue;
      }
      if (completed.isEmpty()) {
        return fencedOut(prompt, started);
      }
      listener.generated(GenerationOutcome.COMPLETED, since(started));
      return Optional.of(new StoredPrompt(prompt, completed.get()));
    }
  }

  /** Settles, and never throws: the generation's outcome is the caller's answer. */
  private static void settleQuietly(Reservation reservation, Usage used, Prompt prompt) {
    try {
      reservation.settle(used);
    } catch (RuntimeException e) {
      log.warn("could not record the tokens used for prompt {}: {}", prompt.id(), e.getMessage());
    }
  }

  /**
   * What a failed attempt used: what the model reported with it; nothing when the endpoint answered
   * an error without a count (it generated nothing); unknown when no answer came (a timeout, a
   * reset), since the model may have worked.
   */
  private static Usage usedBy(Exception e) {
    if (e instanceof GenerationException failed) {
      if (failed.used() != null) {
        return failed.used();
      }
      return failed.upstreamStatus() != 0 ? Usage.NONE : null;
    }
    return null;
  }

  private Optional<StoredPrompt> fencedOut(Prompt prompt, long started) {
    log.info("dropped a late result for prompt {}: its lease was taken over", prompt.id());
    listener.generated(GenerationOutcome.FENCED_OUT, since(started));
    return Optional.empty();
  }

  /** Interrupted by a stop: the lease is released, and the interrupt kept. */
  private GenieException abandoned(Fence fence, Prompt prompt, long started) {
    // Released before the flag is restored: the store may have to wait for a connection.
    release(fence);
    Thread.currentThread().interrupt();
    listener.generated(GenerationOutcome.ABANDONED, since(started));
    return interrupted(prompt);
  }

  /**
   * Ends a lease early, and never throws; false when it was no longer ours or the store could not
   * be reached.
   */
  public boolean release(Fence fence) {
    leases.stopRenewing(fence);
    try {
      boolean released = store.release(fence, now());
      if (released && stopping.getAsBoolean()) {
        releasedInStop.add(fence);
      }
      return released;
    } catch (RuntimeException e) {
      log.warn("could not release the lease of result {}: {}", fence.resultId(), e.toString());
      return false;
    }
  }

  private Optional<StoredPrompt> recordFailure(Claim claim, Failure failure, long started) {
    Fence fence = claim.lease().orElseThrow();
    Prompt prompt = claim.state().prompt();
    log.warn("generation failed for prompt {}: {}", prompt.id(), failure.message());
    listener.generated(GenerationOutcome.FAILED, since(started));
    Optional<Result> failed = store.fail(fence, failure, now());
    if (failed.isEmpty()) {
      return Optional.empty(); // fenced out: the new owner's outcome is the one that counts
    }
    throw new GenerationFailedException(
        prompt.id(), fence.resultId(), failed.get().attempts(), failure);
  }

  private Instant now() {
    return clock.get();
  }

  private Duration since(long startedNanos) {
    return Duration.ofNanos(ticker.nanoTime() - startedNanos);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** What the result records: the endpoint's status too, when the generator reports one. */
  private static Failure failure(Exception e) {
    if (e instanceof GenerationException generation) {
      return generation.failure(MAX_ERROR_CHARS);
    }
    String message = e.getMessage() == null ? "the generator failed" : e.getMessage();
    return Failure.of(
        message.length() <= MAX_ERROR_CHARS ? message : message.substring(0, MAX_ERROR_CHARS));
  }

  private static String timedOut(Generator generator) {
    return "the generation took longer than its timeout of "
        + generator.timeout().orElseThrow().toMillis()
        + " ms";
  }

  private static GenieException interrupted(Prompt prompt) {
    return new GenieException(
        CoreErrorCode.SHUTTING_DOWN, "interrupted while answering prompt " + prompt.id());
  }
}
