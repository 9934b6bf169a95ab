package dev.genie.core;

import dev.genie.core.Answer.Cache;
import dev.genie.core.Answer.Outcome;
import dev.genie.core.chat.ChatRequest;
import dev.genie.core.generate.GenerationProfile;
import dev.genie.core.generate.Generator;
import dev.genie.core.generate.Usage;
import dev.genie.core.internal.Deadlines;
import dev.genie.core.internal.GenerationRuns;
import dev.genie.core.internal.LeaseKeeper;
import dev.genie.core.internal.PendingResults;
import dev.genie.core.internal.Sweeper;
import dev.genie.persistence.ApiKey;
import dev.genie.persistence.Claim;
import dev.genie.persistence.Failure;
import dev.genie.persistence.Fence;
import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.PageCursor;
import dev.genie.persistence.PromptPage;
import dev.genie.persistence.PromptStore;
import dev.genie.persistence.Result;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.StoredPrompt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers prompts with at most one generation per normalized text: normalize, claim in the store,
 * generate only while holding the lease, complete under the fencing token; everyone else waits for
 * that result, and takes the lease over only once it has expired. Chat completion requests ({@link
 * #submitChat}) are prompts like any other, keyed by their canonical JSON under their own profile;
 * every generation, whether asked for, taken over or swept, runs the generator of the claimed
 * prompt's profile.
 */
public final class Orchestrator implements AutoCloseable {

  /** The most expired leases one sweep takes over. */
  private static final int SWEEP_LIMIT = 8;

  /** How long a stop keeps for its pending answers, unless a crowd needs longer. */
  private static final Duration MOST_TIME_TO_ANSWER = Duration.ofSeconds(2);

  /**
   * How many pending answers a stop counts on sending per second: each is written and its
   * connection closed on an IO thread, which costs the most when thousands close at once. A loaded
   * two-core machine sent about 3,000 a second (bench/waiters.sh); this leaves room.
   */
  private static final int ANSWERS_PER_SECOND = 2_000;

  /** Threads that read pending results again for every waiter of this process. */
  private static final int READ_THREADS = 4;

  /**
   * How often a request that found a failed chat result tries to take it over when others race it
   * to the same, before it is answered with the failure they met.
   */
  private static final int RETRY_RACES = 3;

  private final PromptStore store;
  private final Generator generator;
  private final Map<String, Generator> generators;
  private final OrchestratorSettings settings;
  private final Clock clock;
  private final OrchestratorListener listener;
  private final Normalizer normalizer;
  private final GenerationProfile profile;
  private final ScheduledExecutorService timer;
  private final ScheduledExecutorService leaseWork;
  private final GenerationRuns runs;
  private final Sweeper sweeper;
  private final ExecutorService reads;
  private final PendingResults pending;
  private final Deadlines<Answer> deadlines;

  private final String grantOwners;
  private final AtomicLong grants = new AtomicLong();

  /** The {@link System#nanoTime} by which a stopping instance answers every caller. */
  private volatile long stopDeadline;

  private volatile boolean stopping;

  /** What generations taken over by a waiter or a sweep are charged to. */
  private final GenerationBudget.Takeovers takeovers;

  public Orchestrator(
      PromptStore store,
      Generator generator,
      OrchestratorSettings settings,
      Clock clock,
      OrchestratorListener listener) {
    this(store, List.of(generator), settings, clock, listener);
  }

  /**
   * An orchestrator that generates with each of {@code generators}, chosen by the profile of the
   * prompt claimed; the first answers {@link #submit}.
   *
   * @throws IllegalArgumentException when two generators write one profile
   */
  public Orchestrator(
      PromptStore store,
      List<Generator> generators,
      OrchestratorSettings settings,
      Clock clock,
      OrchestratorListener listener) {
    this(
        store,
        generators,
        settings,
        clock,
        listener,
        GenerationBudget.Takeovers.NOBODY,
        HandOver.NONE);
  }

  /**
   * {@link #Orchestrator(PromptStore, List, OrchestratorSettings, Clock, OrchestratorListener)}
   * that charges the generations of results taken over, by a waiter or a sweep, to whom {@code
   * takeovers} names (the key that started each prompt's generation), and runs each generation on a
   * thread of its own taking along what {@code handOver} carries from the caller that started it.
   */
  public Orchestrator(
      PromptStore store,
      List<Generator> generators,
      OrchestratorSettings settings,
      Clock clock,
      OrchestratorListener listener,
      GenerationBudget.Takeovers takeovers,
      HandOver handOver) {
    this.store = store;
    this.takeovers = Objects.requireNonNull(takeovers, "takeovers");
    this.generator = generators.get(0);
    this.generators = new LinkedHashMap<>();
    for (Generator each : generators) {
      if (this.generators.put(each.profile().id(), each) != null) {
        throw new IllegalArgumentException(
            "two generators write the profile " + each.profile().json());
      }
    }
    this.settings = settings;
    this.clock = clock;
    this.listener = listener;
    this.grantOwners =
        settings.instanceId()
            + "/"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt())
            + ".";
    this.normalizer = new Normalizer(settings.maxPromptChars());
    this.profile = generator.profile();
    // Two timers: one whose tasks never wait (deadlines, the pollers' wakes), so that thousands
    // of answers due at once leave on time; one for the leases' statements, which may wait.
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("genie-timer"));
    this.leaseWork = Executors.newScheduledThreadPool(2, daemon("genie-leases"));
    this.reads = Executors.newFixedThreadPool(READ_THREADS, daemon("genie-wait"));
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
    this.runs =
        new GenerationRuns(
            store,
            this.generators,
            listener,
            new LeaseKeeper(store, leaseWork, () -> terms(now())),
            this::now,
            () -> stopping,
            takeovers,
            handOver);
    this.sweeper =
        new Sweeper(
            leaseWork,
            sweepInterval(settings.lease()),
            SWEEP_LIMIT,
            limit -> store.takeOverExpired(terms(now()), limit),
            runs::resume);
    sweeper.start();
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
    CompletableFuture<Answer> answer =
        submitAsync(namespace, rawPrompt, budget, settings.waitTimeout());
    try {
      return answer.get();
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    } catch (InterruptedException e) {
      answer.cancel(false);
      Thread.currentThread().interrupt();
      throw new GenieException(CoreErrorCode.SHUTTING_DOWN, "interrupted while answering a prompt");
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
    return submitAsync(ApiKey.DEFAULT_NAMESPACE, rawPrompt, GenerationBudget.UNLIMITED, maxWait);
  }

  /** {@link #submitAsync(String, Duration)} in {@code namespace}, charged to {@code budget}. */
  public CompletableFuture<Answer> submitAsync(
      String namespace, String rawPrompt, GenerationBudget budget, Duration maxWait) {
    NewPrompt prompt = normalizer.normalize(namespace, rawPrompt, profile);
    return answered(claimAndAnswer(prompt, budget, min(maxWait, settings.waitTimeout())));
  }

  /**
   * The completion of a chat request: from the store, from the caller generating it now (in any
   * instance), or generated for this caller by the chat generator. A failed result is never final
   * here: every caller that waited for the failed generation is answered with its failure, and the
   * next request generates again. The claim is made on the caller's thread, which {@link #submit}'s
   * failures may be thrown on; the returned future settles when the result does, or pending once
   * {@code maxWait} has passed (the generation goes on).
   *
   * @throws IllegalStateException when no chat generator was given
   */
  public CompletableFuture<Answer> submitChat(
      ChatRequest request, GenerationBudget budget, Duration maxWait) {
    if (!generators.containsKey(ChatRequest.PROFILE_ID)) {
      throw new IllegalStateException("this orchestrator has no chat generator; this is a bug");
    }
    return answered(claimAndAnswer(request.prompt(), budget, maxWait));
  }

  /** Whether {@link #submitChat} can generate, rather than only read what is stored. */
  public boolean chats() {
    return generators.containsKey(ChatRequest.PROFILE_ID);
  }

  private CompletableFuture<Answer> answered(CompletableFuture<Answer> answer) {
    answer.thenAccept(listener::answered);
    return answer;
  }

  private CompletableFuture<Answer> claimAndAnswer(
      NewPrompt prompt, GenerationBudget budget, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
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
    }
    // Reserved before the claim, so that parallel requests of one key cannot all start
    // generations that together overshoot its budget; given back when the claim wins nothing.
    GenerationBudget.Reservation reservation = budget.reserve(worstCase(prompt));
    Claim claim;
    try {
      claim = store.claim(prompt, terms(now()));
    } catch (RuntimeException e) {
      reservation.settle(Usage.NONE);
      throw e;
    }
    if (claim.lease().isPresent()) {
      listener.claimWon();
      reservation.started(claim.state().prompt().id());
      return generateWithin(claim, claim.created(), deadline, reservation);
    }
    listener.claimLost();
    if (claim.state().result().status() == ResultStatus.FAILED
        && ChatRequest.isChat(claim.state().prompt())) {
      return generateAgain(claim.state(), deadline, reservation);
    }
    reservation.settle(Usage.NONE);
    if (claim.state().result().status() == ResultStatus.COMPLETED) {
      // The common case: nothing to wait for.
      return CompletableFuture.completedFuture(
          new Answer(Outcome.EXISTING, claim.state(), Cache.HIT));
    }
    return awaitSettled(claim.state(), false, deadline);
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
      StoredPrompt failed, long deadline, GenerationBudget.Reservation reservation) {
    boolean settled = false;
    try {
      StoredPrompt seen = failed;
      for (int race = 0; race < RETRY_RACES; race++) {
        Optional<Claim> takeover = store.takeOver(seen.result().fence(), unlimitedTerms(now()));
        if (takeover.isPresent()) {
          listener.tookOver();
          settled = true;
          reservation.started(seen.prompt().id());
          return generateWithin(takeover.get(), false, deadline, reservation);
        }
        String promptId = seen.prompt().id();
        seen =
            store
                .find(promptId)
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "prompt " + promptId + " vanished from the store; this is a bug"));
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

  /** The profile every prompt of {@link #submit} is keyed and generated under. */
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
   * Starts a stop: no new generation or takeover begins here, and every caller still waiting is
   * answered within {@code grace}: with its result if it settles in time, else pending, after the
   * lease it held was released so that another instance takes over at once.
   */
  public void beginStop(Duration grace) {
    // Pending answers go out in the grace's last quarter (its last 2 s at most), or earlier when
    // a crowd is waiting (at most from half the grace on), so that all have left when it ends.
    Duration sending =
        max(
            min(grace.dividedBy(4), MOST_TIME_TO_ANSWER),
            min(
                grace.dividedBy(2),
                Duration.ofMillis(1000L * deadlines.parked() / ANSWERS_PER_SECOND)));
    stopDeadline = System.nanoTime() + grace.minus(sending).toNanos();
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
    // Waits end first: their polls would take connections from the releases below.
    timer.shutdownNow();
    reads.shutdownNow();
    int released = runs.shutdown(grace);
    leaseWork.shutdownNow();
    return released;
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
  private CompletableFuture<Answer> generateWithin(
      Claim claim, boolean created, long deadline, GenerationBudget.Reservation reservation) {
    Generator writer = generators.get(claim.state().prompt().profileId());
    if (writer == null || !writer.blocks()) {
      Optional<StoredPrompt> done = runs.generate(claim, reservation, deadline);
      if (done.isPresent()) {
        return CompletableFuture.completedFuture(answer(created, done.get(), Cache.MISS));
      }
      return awaitSettled(claim.state(), created, deadline);
    }
    Fence fence = claim.lease().orElseThrow();
    CompletableFuture<Optional<StoredPrompt>> generation = new CompletableFuture<>();
    Future<?> run = runs.inBackground(claim, reservation, generation);
    if (run == null) {
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
          run.cancel(true);
        });
    return answer;
  }

  /** Generates a result taken over by a waiter, on a thread of its own. */
  private CompletableFuture<Optional<StoredPrompt>> generateTakenOver(Claim claim) {
    CompletableFuture<Optional<StoredPrompt>> generation = new CompletableFuture<>();
    // Taken over on behalf of every waiter of this process: charged to none of their budgets, but
    // to the key that started the prompt's generation.
    if (runs.inBackground(claim, takeovers.of(claim.state().prompt().id()), generation) == null) {
      generation.completeExceptionally(shuttingDown());
    }
    return generation;
  }

  private static GenieException shuttingDown() {
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

  /**
   * Each grant asked for has an owner of its own: the instance's id, this process's nonce (two
   * instances may be given one id) and a number. A store that retries a request whose answer was
   * lost recognizes by it what that request was granted.
   */
  private LeaseTerms terms(Instant now) {
    return new LeaseTerms(
        grantOwners + grants.incrementAndGet(), now, settings.lease(), settings.maxAttempts());
  }

  /** Terms under which a failed result is taken over whatever its attempts: a chat result's. */
  private LeaseTerms unlimitedTerms(Instant now) {
    return new LeaseTerms(
        grantOwners + grants.incrementAndGet(), now, settings.lease(), Integer.MAX_VALUE);
  }

  /** Microseconds: what both stores keep, so a value read back equals the value written. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** Half a lease, so that an orphan is found within about one lease of its owner's end. */
  private static Duration sweepInterval(Duration lease) {
    return Duration.ofMillis(Math.max(50, lease.toMillis() / 2));
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static Duration since(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }
}
