package dev.genie.core;

import dev.genie.core.Answer.Cache;
import dev.genie.core.Answer.Outcome;
import dev.genie.core.OrchestratorListener.GenerationOutcome;
import dev.genie.core.generate.Generation;
import dev.genie.core.generate.GenerationProfile;
import dev.genie.core.generate.Generator;
import dev.genie.core.internal.EnvelopeJson;
import dev.genie.persistence.ApiKey;
import dev.genie.persistence.Claim;
import dev.genie.persistence.Fence;
import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.PageCursor;
import dev.genie.persistence.Prompt;
import dev.genie.persistence.PromptPage;
import dev.genie.persistence.PromptStore;
import dev.genie.persistence.Result;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.ResultWatch;
import dev.genie.persistence.StoredPrompt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers prompts with at most one generation per normalized text: normalize, claim in the store,
 * generate only while holding the lease, complete under the fencing token; everyone else waits for
 * that result, and takes the lease over only once it has expired.
 */
public final class Orchestrator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Orchestrator.class);
  private static final int MAX_ERROR_CHARS = 500;

  private final PromptStore store;
  private final Generator generator;
  private final OrchestratorSettings settings;
  private final Clock clock;
  private final OrchestratorListener listener;
  private final Normalizer normalizer;
  private final String profileId;
  private final String profileJson;
  private final ExecutorService generations;
  private final Set<Fence> leasesHeld = ConcurrentHashMap.newKeySet();

  public Orchestrator(
      PromptStore store,
      Generator generator,
      OrchestratorSettings settings,
      Clock clock,
      OrchestratorListener listener) {
    this.store = store;
    this.generator = generator;
    this.settings = settings;
    this.clock = clock;
    this.listener = listener;
    this.normalizer = new Normalizer(settings.maxPromptChars());
    GenerationProfile profile = generator.profile();
    this.profileId = profile.id();
    this.profileJson = profile.json();
    AtomicInteger threads = new AtomicInteger();
    this.generations =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "genie-generate-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Returns the result of {@code rawPrompt}, generating it if this caller is the first to claim it.
   *
   * @throws InvalidPromptException when the prompt breaks a normalization rule
   * @throws GenerationFailedException when the generator failed and no attempts are left
   * @throws GeneratorUnavailableException when the generator takes no new work now
   * @throws dev.genie.persistence.StoreUnavailableException when the store cannot serve now
   */
  public Answer submit(String rawPrompt) {
    return submit(ApiKey.DEFAULT_NAMESPACE, rawPrompt, GenerationBudget.UNLIMITED);
  }

  /**
   * Returns the result of {@code rawPrompt} in {@code namespace}: prompts, results and single
   * flight are shared within a namespace and never across. A generation started for this caller is
   * charged to {@code budget}, which may refuse it beforehand.
   *
   * @throws GenieException from {@code budget} when it refuses a generation
   */
  public Answer submit(String namespace, String rawPrompt, GenerationBudget budget) {
    Answer answer = answer(namespace, rawPrompt, budget);
    listener.answered(answer);
    return answer;
  }

  private Answer answer(String namespace, String rawPrompt, GenerationBudget budget) {
    NormalizedPrompt prompt = normalizer.normalize(rawPrompt);
    long deadline = System.nanoTime() + settings.waitTimeout().toNanos();
    Claim claim = store.claim(prompt.toNewPrompt(namespace, profileId, profileJson), terms(now()));
    if (claim.lease().isPresent()) {
      listener.claimWon();
      return generateWithin(claim, claim.created(), deadline, budget);
    }
    listener.claimLost();
    if (claim.state().result().status() == ResultStatus.COMPLETED) {
      // the common case: nothing to wait for
      return new Answer(Outcome.EXISTING, claim.state(), Cache.HIT);
    }
    return awaitSettled(claim.state(), false, deadline, budget);
  }

  /** The profile every prompt of this orchestrator is keyed and generated under. */
  public GenerationProfile profile() {
    return generator.profile();
  }

  public Optional<StoredPrompt> find(String promptId) {
    return store.find(promptId);
  }

  /** The prompt when it belongs to {@code namespace}; another namespace's is not found. */
  public Optional<StoredPrompt> find(String namespace, String promptId) {
    return store.find(promptId).filter(found -> found.prompt().namespace().equals(namespace));
  }

  public PromptPage list(int limit, Optional<PageCursor> after) {
    return store.list(limit, after);
  }

  /** Newest first, only {@code namespace}'s prompts. */
  public PromptPage list(String namespace, int limit, Optional<PageCursor> after) {
    return store.list(namespace, limit, after);
  }

  public PromptStore store() {
    return store;
  }

  /**
   * Lets running generations finish for up to {@code grace}, then interrupts the rest, whose leases
   * are released so that another instance can take over at once.
   */
  public void shutdown(Duration grace) {
    generations.shutdown();
    try {
      if (!generations.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        generations.shutdownNow();
        generations.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Fence fence : leasesHeld) {
      store.release(fence, now());
    }
  }

  @Override
  public void close() {
    shutdown(Duration.ofSeconds(5));
  }

  /**
   * Runs the generation and waits for it until the deadline: on the caller's thread when the
   * generator does not block, else on a thread of its own, which goes on after the deadline.
   */
  private Answer generateWithin(
      Claim claim, boolean created, long deadline, GenerationBudget budget) {
    try {
      budget.beforeGeneration();
    } catch (RuntimeException refused) {
      // Not an attempt: released, so that a caller with budget left may generate at once.
      store.release(claim.lease().orElseThrow(), now());
      throw refused;
    }
    if (!generator.blocks()) {
      Optional<StoredPrompt> done = generate(claim, budget);
      if (done.isPresent()) {
        return new Answer(created ? Outcome.CREATED : Outcome.EXISTING, done.get(), Cache.MISS);
      }
      return awaitSettled(claim.state(), created, deadline, budget);
    }
    Future<Optional<StoredPrompt>> generation;
    try {
      generation = generations.submit(() -> generate(claim, budget));
    } catch (RejectedExecutionException e) {
      store.release(claim.lease().orElseThrow(), now());
      throw new GenieException(ErrorCode.SHUTTING_DOWN, "Genie is shutting down; retry elsewhere");
    }
    try {
      Optional<StoredPrompt> done = generation.get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
      if (done.isPresent()) {
        return new Answer(created ? Outcome.CREATED : Outcome.EXISTING, done.get(), Cache.MISS);
      }
      return awaitSettled(claim.state(), created, deadline, budget);
    } catch (TimeoutException e) {
      // the generation goes on and completes
      return new Answer(Outcome.PENDING, claim.state(), Cache.MISS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw new IllegalStateException("generation threw " + e.getCause() + "; this is a bug", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted(claim.state().prompt());
    }
  }

  /**
   * Generates and completes under the claim's fence. Empty when the fence went stale meanwhile:
   * another caller owns the result now.
   */
  private Optional<StoredPrompt> generate(Claim claim, GenerationBudget budget) {
    Fence fence = claim.lease().orElseThrow();
    Prompt prompt = claim.state().prompt();
    long started = System.nanoTime();
    leasesHeld.add(fence);
    try {
      Generation generation;
      try {
        generation = generator.generate(prompt.normalizedText());
      } catch (InterruptedException e) {
        // Released before the flag is restored: the store may have to wait for a connection.
        store.release(fence, now());
        Thread.currentThread().interrupt();
        listener.generated(GenerationOutcome.ABANDONED, since(started));
        throw interrupted(prompt);
      } catch (GeneratorUnavailableException e) {
        // Not an attempt: released, so that the next caller may try once the generator is back.
        store.release(fence, now());
        listener.generated(GenerationOutcome.UNAVAILABLE, since(started));
        throw e;
      } catch (Exception e) {
        return recordFailure(claim, reason(e), started);
      }
      Instant now = now();
      Optional<Result> completed = store.complete(fence, EnvelopeJson.write(generation, now), now);
      // Charged whether or not the result is kept: the model did the work.
      charge(budget, generation, prompt);
      if (completed.isEmpty()) {
        log.info("dropped a late result for prompt {}: its lease was taken over", prompt.id());
        listener.generated(GenerationOutcome.FENCED_OUT, since(started));
        return Optional.empty();
      }
      listener.generated(GenerationOutcome.COMPLETED, since(started));
      return Optional.of(new StoredPrompt(prompt, completed.get()));
    } finally {
      leasesHeld.remove(fence);
    }
  }

  /** Recorded after the result is stored, so that a failure to record cannot lose it. */
  private static void charge(GenerationBudget budget, Generation generation, Prompt prompt) {
    try {
      generation.reportedUsage().ifPresent(budget::spent);
    } catch (RuntimeException e) {
      log.warn("could not record the tokens used for prompt {}: {}", prompt.id(), e.getMessage());
    }
  }

  private Optional<StoredPrompt> recordFailure(Claim claim, String reason, long started) {
    Fence fence = claim.lease().orElseThrow();
    Prompt prompt = claim.state().prompt();
    log.warn("generation failed for prompt {}: {}", prompt.id(), reason);
    listener.generated(GenerationOutcome.FAILED, since(started));
    Optional<Result> failed = store.fail(fence, reason, now());
    if (failed.isEmpty()) {
      return Optional.empty(); // fenced out: the new owner's outcome is the one that counts
    }
    throw new GenerationFailedException(
        prompt.id(), fence.resultId(), failed.get().attempts(), reason);
  }

  /**
   * Waits for another caller's result: on every change signal or pause, reads it again; takes the
   * lease over when it expired or the last attempt failed with attempts left.
   */
  private Answer awaitSettled(
      StoredPrompt seen, boolean created, long deadline, GenerationBudget budget) {
    long started = System.nanoTime();
    boolean settled = false;
    try (ResultWatch watch = store.watch(seen.result().id())) {
      Duration pause = settings.pollInitial();
      StoredPrompt current = reread(seen);
      while (true) {
        Result result = current.result();
        if (result.status() == ResultStatus.COMPLETED) {
          settled = true;
          return new Answer(created ? Outcome.CREATED : Outcome.EXISTING, current, Cache.COALESCED);
        }
        Instant now = now();
        if (result.status() == ResultStatus.FAILED && result.attempts() >= settings.maxAttempts()) {
          settled = true;
          throw new GenerationFailedException(
              current.prompt().id(), result.id(), result.attempts(), result.error());
        }
        if (result.status() == ResultStatus.FAILED || !result.leaseLiveAt(now)) {
          Optional<Claim> takeover = store.takeOver(result.fence(), terms(now));
          if (takeover.isPresent()) {
            listener.tookOver();
            settled = true;
            return generateWithin(takeover.get(), created, deadline, budget);
          }
        }
        long remaining = remainingNanos(deadline);
        if (remaining <= 0) {
          return new Answer(Outcome.PENDING, current, Cache.COALESCED);
        }
        watch.await(min(min(pause, Duration.ofNanos(remaining)), untilExpiry(result, now)));
        pause = min(pause.multipliedBy(2), settings.pollMax());
        current = reread(current);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted(seen.prompt());
    } finally {
      listener.waited(since(started), settled);
    }
  }

  private StoredPrompt reread(StoredPrompt seen) {
    return store
        .find(seen.prompt().id())
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "prompt " + seen.prompt().id() + " vanished from the store; this is a bug"));
  }

  /** How long until a live lease expires, plus a millisecond to be past it; else a minute. */
  private static Duration untilExpiry(Result result, Instant now) {
    if (!result.leaseLiveAt(now)) {
      return Duration.ofMinutes(1);
    }
    return Duration.between(now, result.leaseExpiresAt()).plusMillis(1);
  }

  private LeaseTerms terms(Instant now) {
    return new LeaseTerms(settings.instanceId(), now, settings.lease(), settings.maxAttempts());
  }

  /** Microseconds: what both stores keep, so a value read back equals the value written. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private static long remainingNanos(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  private static Duration since(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static String reason(Exception e) {
    String message = e.getMessage() == null ? "the generator failed" : e.getMessage();
    return message.length() <= MAX_ERROR_CHARS ? message : message.substring(0, MAX_ERROR_CHARS);
  }

  private static GenieException interrupted(Prompt prompt) {
    return new GenieException(
        ErrorCode.SHUTTING_DOWN, "interrupted while answering prompt " + prompt.id());
  }
}
