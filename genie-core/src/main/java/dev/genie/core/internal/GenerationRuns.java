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
import dev.genie.core.envelope.Envelope;
import dev.genie.core.envelope.EnvelopeCodec;
import dev.genie.core.generate.Generation;
import dev.genie.core.generate.GenerationException;
import dev.genie.core.generate.Generator;
import dev.genie.core.generate.Usage;
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
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs generations under their lease: renews it while the generator runs within its timeout, stores
 * the result under the fencing token (retrying a store that is unavailable for the moment within
 * the lease held when the generation ended), records failures, and reports every run's outcome;
 * every run ends, and one that cannot store its result lets its lease go. Runs that nobody waits on
 * go to a fixed pool of threads, one per generation slot: every run handed to it holds a slot of
 * the {@link GenerationQueue}, so none waits there for long.
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
  private final Supplier<Instant> clock;
  private final BooleanSupplier stopping;
  private final HandOver handOver;
  private final ExecutorService generations;
  private final Takeovers takeovers;
  private final Set<Fence> leasesHeld = ConcurrentHashMap.newKeySet();
  private final Set<Fence> releasedInStop = ConcurrentHashMap.newKeySet();

  /**
   * @param generators each generator by the id of the profile it writes
   * @param clock the time of envelopes and of the store's calls
   * @param stopping whether a stop has begun, when releases are counted
   * @param handOver what a generation started for a caller takes along to its own thread
   * @param takeovers what the generations of results a sweep took over are charged to
   * @param threads the generation slots: the most runs handed to threads at once
   */
  public GenerationRuns(
      PromptStore store,
      Map<String, Generator> generators,
      OrchestratorListener listener,
      LeaseKeeper leases,
      Supplier<Instant> clock,
      BooleanSupplier stopping,
      Takeovers takeovers,
      HandOver handOver,
      int threads) {
    this.store = store;
    this.takeovers = takeovers;
    this.generators = Map.copyOf(generators);
    this.listener = listener;
    this.leases = leases;
    this.clock = clock;
    this.stopping = stopping;
    this.handOver = handOver;
    AtomicInteger count = new AtomicInteger();
    this.generations =
        Executors.newFixedThreadPool(
            threads,
            task -> {
              Thread thread = new Thread(task, "genie-generate-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Lets running generations finish for up to {@code grace}, then interrupts the rest and releases
   * their leases. Returns how many leases were released since the stop began.
   */
  public int shutdown(Duration grace) {
    generations.shutdown();
    try {
      if (!generations.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        generations.shutdownNow();
        // A generator that ignores the interrupt is not waited for: its lease is released below.
        generations.awaitTermination(100, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    leasesHeld.forEach(this::release);
    return releasedInStop.size();
  }

  /**
   * Starts the generation on a thread of its own, to settle {@code generation}; null when the
   * orchestrator is shutting down, and the lease was released.
   */
  public Future<?> inBackground(
      Claim claim, Reservation reservation, CompletableFuture<Optional<StoredPrompt>> generation) {
    try {
      return generations.submit(
          handOver.carry(
              () -> {
                try {
                  generation.complete(generate(claim, reservation));
                } catch (Throwable failure) {
                  generation.completeExceptionally(failure);
                }
              }));
    } catch (RejectedExecutionException e) {
      settleQuietly(reservation, Usage.NONE, claim.state().prompt());
      release(claim.lease().orElseThrow());
      return null;
    }
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
      try {
        generations.submit(
            () -> {
              try {
                generateQuietly(claim);
              } finally {
                ended.run();
              }
            });
      } catch (RejectedExecutionException e) {
        // Not started: nothing to charge.
        release(claim.lease().orElseThrow());
        ended.run();
      }
    }
  }

  private void generateQuietly(Claim claim) {
    try {
      generate(claim, takeovers.of(claim.state().prompt().id()));
    } catch (GenieException e) {
      log.debug("a resumed generation ended: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("a resumed generation of prompt {} failed", claim.state().prompt().id(), e);
    }
  }

  /**
   * Generates and completes under the claim's fence, renewing the lease meanwhile. Empty when the
   * fence went stale: another caller owns the result now.
   */
  public Optional<StoredPrompt> generate(Claim claim, Reservation reservation) {
    return generate(claim, reservation, null);
  }

  /**
   * {@link #generate(Claim, Reservation)} for a caller that waits on this thread: a result that the
   * store keeps refusing is given up at {@code answerBy} ({@link System#nanoTime}; null for no
   * bound but the lease), so that the caller is answered in time. The reservation is settled on
   * every way out: to what the model reported, nothing when no call was made, and kept whole when
   * the use is unknown.
   */
  public Optional<StoredPrompt> generate(Claim claim, Reservation reservation, Long answerBy) {
    Usage[] used = {null};
    try {
      return generate(claim, used, answerBy);
    } finally {
      // Charged after the result is stored, so that a failure to record cannot lose it, and
      // whether or not it was kept: the model did the work.
      settleQuietly(reservation, used[0], claim.state().prompt());
    }
  }

  private Optional<StoredPrompt> generate(Claim claim, Usage[] used, Long answerBy) {
    Fence fence = claim.lease().orElseThrow();
    Prompt prompt = claim.state().prompt();
    long started = System.nanoTime();
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
    leasesHeld.add(fence);
    try (LeaseKeeper.Hold hold = leases.hold(fence, Thread.currentThread(), generator.timeout())) {
      Generation generation;
      try {
        generation = generator.generate(prompt.normalizedText());
      } catch (InterruptedException e) {
        if (hold.fencedOut()) {
          return fencedOut(prompt, started);
        }
        if (hold.timedOut()) {
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
        if (hold.fencedOut()) {
          return fencedOut(prompt, started);
        }
        if (hold.timedOut()) {
          Thread.interrupted(); // the timeout's, which the generator may have kept
          return recordFailure(claim, Failure.of(timedOut(generator)), started);
        }
        return recordFailure(claim, failure(e), started);
      }
      hold.generated();
      used[0] = generation.usage() == null ? Usage.NONE : generation.usage();
      return store(claim, generation, hold, started, answerBy);
    } finally {
      leasesHeld.remove(fence);
    }
  }

  /**
   * Completes under the fence. A store that is unavailable for the moment is tried again with
   * backoff while the lease held when the generation ended lasts, since the result exists only
   * here, and no longer: renewals meanwhile do not extend the bound, so that a completion the store
   * keeps refusing cannot keep the lease alive. After that the lease is released, so that the next
   * caller generates at once instead of waiting it out.
   */
  private Optional<StoredPrompt> store(
      Claim claim, Generation generation, LeaseKeeper.Hold hold, long started, Long answerBy) {
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
        if (hold.fencedOut()) {
          return fencedOut(prompt, started);
        }
        boolean retry =
            e instanceof StoreUnavailableException
                && System.nanoTime() + pause.toNanos() - giveUpAt < 0;
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
          Thread.sleep(pause.toMillis());
        } catch (InterruptedException interrupted) {
          if (hold.fencedOut()) {
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

  private static Duration since(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
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
