package dev.genie.core;

import dev.genie.core.Answer.Outcome;
import dev.genie.core.OrchestratorListener.GenerationOutcome;
import dev.genie.core.generate.Generation;
import dev.genie.core.generate.Generator;
import dev.genie.core.internal.Deadlines;
import dev.genie.core.internal.EnvelopeJson;
import dev.genie.core.internal.LeaseKeeper;
import dev.genie.core.internal.PendingResults;
import dev.genie.core.internal.Sweeper;
import dev.genie.persistence.Claim;
import dev.genie.persistence.Fence;
import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.PageCursor;
import dev.genie.persistence.Prompt;
import dev.genie.persistence.PromptPage;
import dev.genie.persistence.PromptStore;
import dev.genie.persistence.Result;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.StoreException;
import dev.genie.persistence.StoreUnavailableException;
import dev.genie.persistence.StoredPrompt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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

  /** The most expired leases one sweep takes over. */
  private static final int SWEEP_LIMIT = 8;

  private static final Duration FIRST_STORE_RETRY = Duration.ofMillis(50);
  private static final Duration LONGEST_STORE_RETRY = Duration.ofSeconds(1);

  /** Threads that read pending results again for every waiter of this process. */
  private static final int READ_THREADS = 4;

  private final PromptStore store;
  private final Generator generator;
  private final OrchestratorSettings settings;
  private final Clock clock;
  private final OrchestratorListener listener;
  private final Normalizer normalizer;
  private final ExecutorService generations;
  private final ScheduledExecutorService timer;
  private final LeaseKeeper leases;
  private final Sweeper sweeper;
  private final Set<Fence> leasesHeld = ConcurrentHashMap.newKeySet();
  private final Set<Fence> releasedInStop = ConcurrentHashMap.newKeySet();
  private final ExecutorService reads;
  private final PendingResults pending;
  private final Deadlines<Answer> deadlines;

  /** The {@link System#nanoTime} by which a stopping instance answers every caller. */
  private volatile long stopDeadline;

  private volatile boolean stopping;

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
    AtomicInteger threads = new AtomicInteger();
    this.generations =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "genie-generate-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    AtomicInteger timerThreads = new AtomicInteger();
    this.timer =
        Executors.newScheduledThreadPool(
            2,
            task -> {
              Thread thread = new Thread(task, "genie-leases-" + timerThreads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    AtomicInteger readThreads = new AtomicInteger();
    this.reads =
        Executors.newFixedThreadPool(
            READ_THREADS,
            task -> {
              Thread thread = new Thread(task, "genie-wait-" + readThreads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    this.pending =
        new PendingResults(
            store,
            timer,
            reads,
            settings.pollInitial(),
            settings.pollMax(),
            settings.maxAttempts(),
            new Waiters());
    this.deadlines = new Deadlines<>(timer, reads);
    this.leases = new LeaseKeeper(store, timer, () -> terms(now()));
    this.sweeper =
        new Sweeper(
            timer,
            sweepInterval(settings.lease()),
            SWEEP_LIMIT,
            limit -> store.takeOverExpired(terms(now()), limit),
            this::resume);
    sweeper.start();
  }

  /**
   * Returns the result of {@code rawPrompt}, generating it if this caller is the first to claim it.
   *
   * @throws InvalidPromptException when the prompt breaks a normalization rule
   * @throws GenerationFailedException when the generator failed and no attempts are left
   * @throws dev.genie.persistence.StoreUnavailableException when the store cannot serve now
   */
  public Answer submit(String rawPrompt) {
    CompletableFuture<Answer> answer = submitAsync(rawPrompt);
    try {
      return answer.get();
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    } catch (InterruptedException e) {
      answer.cancel(false);
      Thread.currentThread().interrupt();
      throw new GenieException(ErrorCode.SHUTTING_DOWN, "interrupted while answering a prompt");
    }
  }

  /**
   * {@link #submit} without holding the caller's thread while the result is pending: the claim is
   * made on the caller's thread, which the failures of {@link #submit} may be thrown on; the
   * returned future settles when the result does, or pending at the wait timeout.
   */
  public CompletableFuture<Answer> submitAsync(String rawPrompt) {
    return submitAsync(rawPrompt, settings.waitTimeout());
  }

  /**
   * {@link #submitAsync(String)}, waiting at most {@code maxWait} (at most the wait timeout) for a
   * pending result: zero answers pending at once what is not settled yet.
   */
  public CompletableFuture<Answer> submitAsync(String rawPrompt, Duration maxWait) {
    NormalizedPrompt prompt = normalizer.normalize(rawPrompt);
    Duration wait =
        maxWait.compareTo(settings.waitTimeout()) < 0 ? maxWait : settings.waitTimeout();
    long deadline = System.nanoTime() + wait.toNanos();
    Claim claim = store.claim(prompt.toNewPrompt(), terms(now()));
    if (claim.lease().isPresent()) {
      listener.claimWon();
      return generateWithin(claim, claim.created(), deadline);
    }
    listener.claimLost();
    if (claim.state().result().status() == ResultStatus.COMPLETED) {
      // The common case: nothing to wait for.
      return CompletableFuture.completedFuture(new Answer(Outcome.EXISTING, claim.state()));
    }
    return awaitSettled(claim.state(), false, deadline);
  }

  public Optional<StoredPrompt> find(String promptId) {
    return store.find(promptId);
  }

  public PromptPage list(int limit, Optional<PageCursor> after) {
    return store.list(limit, after);
  }

  public PromptStore store() {
    return store;
  }

  /**
   * Starts a stop: no new generation or takeover begins here, and every caller still waiting is
   * answered within {@code grace}: with its result if it settles by then, else pending, after the
   * lease it held was released so that another instance takes over at once.
   */
  public void beginStop(Duration grace) {
    stopDeadline = System.nanoTime() + grace.toNanos();
    stopping = true;
    sweeper.stop();
    deadlines.stopBy(stopDeadline);
  }

  /**
   * Lets running generations finish for up to {@code grace}, then interrupts the rest and releases
   * their leases, so that another instance can take over at once. Returns how many leases the stop
   * released, here or as it answered callers pending.
   */
  public int shutdown(Duration grace) {
    if (!stopping) {
      beginStop(grace);
    }
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
    timer.shutdownNow();
    reads.shutdownNow();
    leasesHeld.forEach(this::releaseQuietly);
    return releasedInStop.size();
  }

  @Override
  public void close() {
    shutdown(Duration.ofSeconds(5));
  }

  /**
   * Runs the generation and answers with it until the deadline: on the caller's thread when the
   * generator does not block, else on a thread of its own, which goes on after the deadline. A
   * stop's end answers pending at once, after releasing the lease and interrupting the run.
   */
  private CompletableFuture<Answer> generateWithin(Claim claim, boolean created, long deadline) {
    if (!generator.blocks()) {
      Optional<StoredPrompt> done = generate(claim);
      if (done.isPresent()) {
        return CompletableFuture.completedFuture(answer(created, done.get()));
      }
      return awaitSettled(claim.state(), created, deadline);
    }
    Fence fence = claim.lease().orElseThrow();
    CompletableFuture<Optional<StoredPrompt>> generation = new CompletableFuture<>();
    Future<?> run = inBackground(claim, generation);
    if (run == null) {
      throw shuttingDown();
    }
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    generation.whenComplete(
        (done, failure) -> {
          if (failure != null) {
            answer.completeExceptionally(unwrap(failure));
          } else if (done.isPresent()) {
            answer.complete(answer(created, done.get()));
          } else {
            relay(awaitSettled(claim.state(), created, deadline), answer);
          }
        });
    deadlines.park(
        answer,
        deadline,
        () -> new Answer(Outcome.PENDING, claim.state()),
        () -> {
          // Released before the answer, so that the caller's next try finds it free elsewhere;
          // interrupted after it, so that the run's own end cannot answer first.
          releaseQuietly(fence);
          answer.complete(new Answer(Outcome.PENDING, claim.state()));
          run.cancel(true);
        });
    return answer;
  }

  /** Generates a result taken over by a waiter, on a thread of its own. */
  private CompletableFuture<Optional<StoredPrompt>> generateTakenOver(Claim claim) {
    CompletableFuture<Optional<StoredPrompt>> generation = new CompletableFuture<>();
    if (inBackground(claim, generation) == null) {
      generation.completeExceptionally(shuttingDown());
    }
    return generation;
  }

  /**
   * Starts the generation on a thread of its own, to settle {@code generation}; null when the
   * orchestrator is shutting down, and the lease was released.
   */
  private Future<?> inBackground(
      Claim claim, CompletableFuture<Optional<StoredPrompt>> generation) {
    try {
      return generations.submit(
          () -> {
            try {
              generation.complete(generate(claim));
            } catch (Throwable failure) {
              generation.completeExceptionally(failure);
            }
          });
    } catch (RejectedExecutionException e) {
      releaseQuietly(claim.lease().orElseThrow());
      return null;
    }
  }

  private static GenieException shuttingDown() {
    return new GenieException(ErrorCode.SHUTTING_DOWN, "Genie is shutting down; retry elsewhere");
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

  /** Runs the generations of results a sweep took over; nobody waits for them here. */
  private void resume(List<Claim> claims) {
    listener.swept(claims.size());
    for (Claim claim : claims) {
      listener.tookOver();
      log.info(
          "resuming prompt {}: its lease expired without renewal", claim.state().prompt().id());
      try {
        generations.submit(() -> generateQuietly(claim));
      } catch (RejectedExecutionException e) {
        releaseQuietly(claim.lease().orElseThrow());
      }
    }
  }

  private void generateQuietly(Claim claim) {
    try {
      generate(claim);
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
  private Optional<StoredPrompt> generate(Claim claim) {
    Fence fence = claim.lease().orElseThrow();
    Prompt prompt = claim.state().prompt();
    long started = System.nanoTime();
    leasesHeld.add(fence);
    try (LeaseKeeper.Hold hold = leases.hold(fence, Thread.currentThread())) {
      Generation generation;
      try {
        generation = generator.generate(prompt.normalizedText());
      } catch (InterruptedException e) {
        if (hold.fencedOut()) {
          return fencedOut(prompt, started);
        }
        throw abandoned(fence, prompt, started);
      } catch (Exception e) {
        if (hold.fencedOut()) {
          return fencedOut(prompt, started);
        }
        return recordFailure(claim, reason(e), started);
      }
      return store(claim, generation, hold, started);
    } finally {
      leasesHeld.remove(fence);
    }
  }

  /**
   * Completes under the fence. A store that is unavailable for the moment is tried again with
   * backoff while the lease is still ours, since the result exists only here; after that the lease
   * is released, so that the next caller generates at once instead of waiting it out.
   */
  private Optional<StoredPrompt> store(
      Claim claim, Generation generation, LeaseKeeper.Hold hold, long started) {
    Fence fence = claim.lease().orElseThrow();
    Prompt prompt = claim.state().prompt();
    Instant now = now();
    String envelope = EnvelopeJson.write(generation, now);
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
                && System.nanoTime() + pause.toNanos() < hold.liveUntilNanos();
        if (!retry) {
          log.warn(
              "could not store the result of prompt {}; its lease is released: {}",
              prompt.id(),
              e.getMessage());
          releaseQuietly(fence);
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

  private Optional<StoredPrompt> fencedOut(Prompt prompt, long started) {
    log.info("dropped a late result for prompt {}: its lease was taken over", prompt.id());
    listener.generated(GenerationOutcome.FENCED_OUT, since(started));
    return Optional.empty();
  }

  /** Interrupted by a stop: the lease is released, and the interrupt kept. */
  private GenieException abandoned(Fence fence, Prompt prompt, long started) {
    // Released before the flag is restored: the store may have to wait for a connection.
    releaseQuietly(fence);
    Thread.currentThread().interrupt();
    listener.generated(GenerationOutcome.ABANDONED, since(started));
    return interrupted(prompt);
  }

  /** Ends a lease early; false when it was no longer ours or the store could not be reached. */
  private boolean releaseQuietly(Fence fence) {
    try {
      boolean released = store.release(fence, now());
      if (released && stopping) {
        releasedInStop.add(fence);
      }
      return released;
    } catch (RuntimeException e) {
      log.warn("could not release the lease of result {}: {}", fence.resultId(), e.toString());
      return false;
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
   * Waits for another caller's result without holding a thread: one poller per result, shared by
   * every caller of this process waiting for it, reads it on every change signal or pause and takes
   * the lease over when it expired or the last attempt failed with attempts left.
   */
  private CompletableFuture<Answer> awaitSettled(
      StoredPrompt seen, boolean created, long deadline) {
    long started = System.nanoTime();
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
                answer.complete(answer(created, state));
              }
            });
    deadlines.park(answer, deadline, () -> new Answer(Outcome.PENDING, seen), () -> {});
    return answer;
  }

  private static Answer answer(boolean created, StoredPrompt state) {
    return new Answer(created ? Outcome.CREATED : Outcome.EXISTING, state);
  }

  private static RuntimeException unwrap(Throwable failure) {
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

  /** What the shared pollers of pending results ask of this orchestrator. */
  private final class Waiters implements PendingResults.Owner {
    @Override
    public Instant now() {
      return Orchestrator.this.now();
    }

    @Override
    public boolean stopping() {
      return stopping;
    }

    @Override
    public Optional<Claim> takeOver(Result result, Instant now) {
      Optional<Claim> takeover = store.takeOver(result.fence(), terms(now));
      takeover.ifPresent(claim -> listener.tookOver());
      return takeover;
    }

    @Override
    public CompletableFuture<Optional<StoredPrompt>> generate(Claim claim) {
      return generateTakenOver(claim);
    }

    @Override
    public RuntimeException failure(StoredPrompt exhausted) {
      Result result = exhausted.result();
      return new GenerationFailedException(
          exhausted.prompt().id(), result.id(), result.attempts(), result.error());
    }
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

  /** Half a lease, so that an orphan is found within about one lease of its owner's end. */
  private static Duration sweepInterval(Duration lease) {
    return Duration.ofMillis(Math.max(50, lease.toMillis() / 2));
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
