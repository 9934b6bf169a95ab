package dev.genie.core;

import dev.genie.core.chat.ChatRequest;
import dev.genie.core.generate.GenerationProfile;
import dev.genie.core.generate.Generator;
import dev.genie.core.internal.Answering;
import dev.genie.core.internal.Deadlines;
import dev.genie.core.internal.GenerationQueue;
import dev.genie.core.internal.GenerationRuns;
import dev.genie.core.internal.Grants;
import dev.genie.core.internal.LeaseKeeper;
import dev.genie.core.internal.Pools;
import dev.genie.core.internal.RunningGenerations;
import dev.genie.core.internal.Sweeper;
import dev.genie.persistence.ApiKey;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.PageCursor;
import dev.genie.persistence.PromptPage;
import dev.genie.persistence.PromptStore;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

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
  private final Deadlines<Answer> deadlines;
  private final Answering answering;

  /** The {@link Ticker#nanoTime} by which a stopping instance answers every caller. */
  private volatile long stopDeadline;

  private volatile boolean stopping;

  /** Guards {@link #started} and {@link #closed}: the lifecycle. */
  private final Object lifecycle = new Object();

  private volatile boolean started;
  private boolean closed;

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
    Objects.requireNonNull(takeovers, "takeovers");
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
    Grants grants = new Grants(settings);
    this.normalizer = new Normalizer(settings.maxPromptChars());
    this.profile = generator.profile();
    this.pools = new Pools(settings.generationConcurrency());
    this.deadlines = new Deadlines<>(pools.timer, pools.reads, ticker);
    this.queue =
        new GenerationQueue(
            settings.generationConcurrency(),
            settings.generationQueue(),
            "OrchestratorSettings.generationConcurrency, OrchestratorSettings.generationQueue");
    RunningGenerations running = new RunningGenerations(ticker);
    this.leases = new LeaseKeeper(store, running, ticker, () -> grants.terms(now()));
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
    this.answering =
        new Answering(
            store,
            this.generators,
            listener,
            settings,
            queue,
            runs,
            deadlines,
            pools,
            ticker,
            grants,
            this::now,
            () -> stopping,
            takeovers);
    this.sweeper =
        new Sweeper(
            pools.leases,
            sweepInterval(settings.lease()),
            SWEEP_LIMIT,
            answering::sweep,
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
      throw Answering.unwrap(e.getCause());
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
    return answered(answering.answer(prompt, budget, min(maxWait, settings.waitTimeout())));
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
    return answered(answering.answer(request.prompt(), budget, maxWait));
  }

  /** Whether {@link #submitChat} can generate, rather than only read what is stored. */
  public boolean chats() {
    return generators.containsKey(ChatRequest.PROFILE_ID);
  }

  private CompletableFuture<Answer> answered(CompletableFuture<Answer> answer) {
    answer.thenAccept(listener::answered);
    return answer;
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
    queue.close(Answering.shuttingDown());
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
}
