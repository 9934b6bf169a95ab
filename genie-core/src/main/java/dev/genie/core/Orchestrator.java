package dev.genie.core;

import dev.genie.core.Answer.Cache;
import dev.genie.core.Answer.Outcome;
import dev.genie.core.chat.ChatRequest;
import dev.genie.core.generate.GenerationProfile;
import dev.genie.core.generate.Generator;
import dev.genie.core.generate.Usage;
import dev.genie.core.internal.Deadlines;
import dev.genie.core.internal.GenerationQueue;
import dev.genie.core.internal.GenerationRuns;
import dev.genie.core.internal.LeaseKeeper;
import dev.genie.core.internal.PendingResults;
import dev.genie.core.internal.Pools;
import dev.genie.core.internal.RunningGenerations;
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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers prompts with at most one generation per normalized text: normalize, claim in the store,
 * generate only while holding the lease, complete under the fencing token; everyone else waits for
 * that result, and takes the lease over only once it has expired. Chat completion requests ({@link
 * #submitChat}) are prompts like any other, keyed by their canonical JSON under their own profile;
 * every generation, whether asked for, taken over or swept, runs the generator of the claimed
 * prompt's profile.
 *
 * <p>Constructing one starts no thread: {@link #start} starts its pools, the sweep of expired
 * leases and the renewal of the leases it holds; {@link #close} (or {@link #shutdown}) stops them.
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
  private final Ticker ticker;
  private final OrchestratorListener listener;
  private final Normalizer normalizer;
  private final GenerationProfile profile;
  private final Pools pools;
  private final LeaseKeeper leases;
  private final GenerationRuns runs;
  private final GenerationQueue queue;
  private final Sweeper sweeper;
  private final PendingResults pending;
  private final Deadlines<Answer> deadlines;

  private final String grantOwners;
  private final AtomicLong grants = new AtomicLong();

  /** The {@link Ticker#nanoTime} by which a stopping instance answers every caller. */
  private volatile long stopDeadline;

  private volatile boolean stopping;

  /** Guards {@link #started} and {@link #closed}: the lifecycle. */
  private final Object lifecycle = new Object();

  private volatile boolean started;
  private boolean closed;

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
    this(store, generators, settings, clock, listener, takeovers, handOver, Ticker.system());
  }

  /**
   * {@link #Orchestrator(PromptStore, List, OrchestratorSettings, Clock, OrchestratorListener,
   * GenerationBudget.Takeovers, HandOver)} that measures its waits and timeouts on {@code ticker}
   * instead of {@link Ticker#system()}: tests move it to time a generation or a store's retries out
   * without waiting.
   */
  public Orchestrator(
      PromptStore store,
      List<Generator> generators,
      OrchestratorSettings settings,
      Clock clock,
      OrchestratorListener listener,
      GenerationBudget.Takeovers takeovers,
      HandOver handOver,
      Ticker ticker) {
    this.store = store;
    this.ticker = Objects.requireNonNull(ticker, "ticker");
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
    this.pools = new Pools(settings.generationConcurrency());
    this.pending =
        new PendingResults(
            store,
            pools.timer,
            pools.reads,
            settings.pollInitial(),
            settings.pollMax(),
            settings.maxAttempts(),
            new Waiters());
    this.deadlines = new Deadlines<>(pools.timer, pools.reads, ticker);
    this.queue =
        new GenerationQueue(
            settings.generationConcurrency(),
            settings.generationQueue(),
            "OrchestratorSettings.generationConcurrency, OrchestratorSettings.generationQueue");
    RunningGenerations running = new RunningGenerations(ticker);
    this.leases = new LeaseKeeper(store, running, ticker, () -> terms(now()));
    this.runs =
        new GenerationRuns(
            store,
            this.generators,
            listener,
            leases,
            running,
            this::now,
            ticker,
            () -> stopping,
            takeovers,
            handOver,
            pools.generations);
    this.sweeper =
        new Sweeper(
            pools.leases,
            sweepInterval(settings.lease()),
            SWEEP_LIMIT,
            this::sweep,
            claims -> runs.resume(claims, queue::release));
  }

  /**
   * Starts renewing the leases this orchestrator will hold, every third of the lease, and sweeping
   * for expired ones; the pools make their threads as work comes. Call it once, before the first
   * prompt; {@link #close} stops it all.
   *
   * @throws IllegalStateException when it was closed already
   */
  public Orchestrator start() {
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException("this orchestrator was closed; build a new one");
      }
      if (!started) {
        leases.start(pools.leases);
        sweeper.start();
        started = true;
      }
    }
    return this;
  }

  private void checkStarted() {
    if (!started) {
      throw new IllegalStateException(
          "this orchestrator was not started: call start() first, once, after building it");
    }
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
    checkStarted();
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
    checkStarted();
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
      claim = store.claim(prompt, terms(now()));
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
  private List<Claim> sweep(int limit) {
    int slots = 0;
    while (slots < limit && queue.tryAcquire()) {
      slots++;
    }
    if (slots == 0) {
      return List.of();
    }
    List<Claim> claims = List.of();
    try {
      claims = store.takeOverExpired(terms(now()), slots);
      return claims;
    } finally {
      for (int unused = claims.size(); unused < slots; unused++) {
        queue.release();
      }
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
        Optional<Claim> takeover = store.takeOver(seen.result().fence(), unlimitedTerms(now()));
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

  /** New prompts waiting for a generation slot now, across namespaces. */
  public int generationsWaiting() {
    return queue.waiting();
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
    stopDeadline = ticker.nanoTime() + grace.minus(sending).toNanos();
    stopping = true;
    sweeper.stop();
    queue.close(shuttingDown());
    deadlines.stopBy(stopDeadline);
  }

  /**
   * Lets running generations finish for up to {@code grace}, then interrupts the rest and releases
   * their leases, so that another instance can take over at once. Returns how many leases the stop
   * released, here or as it answered callers pending.
   */
  public int shutdown(Duration grace) {
    synchronized (lifecycle) {
      closed = true;
    }
    if (!stopping) {
      beginStop(grace);
    }
    // Waits end first: their polls would take connections from the releases below.
    pools.timer.shutdownNow();
    pools.reads.shutdownNow();
    int released = runs.shutdown(grace);
    leases.stop();
    pools.leases.shutdownNow();
    return released;
  }

  /** {@link #shutdown} with a grace of 5 s; once closed, closing again changes nothing. */
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
      // Without a free slot the waiter waits on, as if the result were still pending: the
      // generations in the slots and the callers in line come first.
      if (!queue.tryAcquire()) {
        return Optional.empty();
      }
      Optional<Claim> takeover;
      try {
        takeover = store.takeOver(result.fence(), terms(now));
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

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private Duration since(long startedNanos) {
    return Duration.ofNanos(ticker.nanoTime() - startedNanos);
  }
}
