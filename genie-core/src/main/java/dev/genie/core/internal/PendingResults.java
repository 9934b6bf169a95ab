package dev.genie.core.internal;

import dev.genie.core.CoreErrorCode;
import dev.genie.core.GenieException;
import dev.genie.persistence.Claim;
import dev.genie.persistence.PromptStore;
import dev.genie.persistence.Result;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.ResultWatch;
import dev.genie.persistence.StoredPrompt;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The waits of this process for results that another caller generates, holding no thread while they
 * wait: one poller per result, shared by every caller waiting for it, reads the result again when
 * its watch signals a change or its pause (with backoff) ends, and takes the lease over when it
 * expires. A caller gets a future of the settled result; {@link #leave} ends its interest.
 */
public final class PendingResults {
  /** What the pollers need from their orchestrator. */
  public interface Owner {
    Instant now();

    boolean stopping();

    /** Tries to take {@code result}'s lease over; empty when another caller got it first. */
    Optional<Claim> takeOver(Result result, Instant now);

    /** Generates under a lease taken over; empty when the lease was lost meanwhile. */
    CompletableFuture<Optional<StoredPrompt>> generate(Claim claim);

    /** The settled state to give callers: the completed result, or the failure to throw. */
    RuntimeException failure(StoredPrompt exhausted);

    /**
     * Whether a failed result with attempts left is its waiters' answer as it is, rather than
     * generated again by one of them: true where the next request, not a waiter, tries again.
     */
    boolean failureIsTheAnswer(StoredPrompt failed);
  }

  private final PromptStore store;
  private final ScheduledExecutorService timer;
  private final Executor reads;
  private final Duration pollInitial;
  private final Duration pollMax;
  private final int maxAttempts;
  private final Owner owner;
  private final ConcurrentHashMap<String, Poller> pollers = new ConcurrentHashMap<>();

  public PendingResults(
      PromptStore store,
      ScheduledExecutorService timer,
      Executor reads,
      Duration pollInitial,
      Duration pollMax,
      int maxAttempts,
      Owner owner) {
    this.store = store;
    this.timer = timer;
    this.reads = reads;
    this.pollInitial = pollInitial;
    this.pollMax = pollMax;
    this.maxAttempts = maxAttempts;
    this.owner = owner;
  }

  /** A wait for the result of {@code seen}; call {@link Wait#leave} once it is no longer wanted. */
  public Wait join(StoredPrompt seen) {
    String resultId = seen.result().id();
    boolean[] created = new boolean[1];
    Poller poller =
        pollers.compute(
            resultId,
            (id, current) -> {
              Poller p = current;
              if (p == null || p.closed) {
                p = new Poller(seen);
                created[0] = true;
              }
              p.waiters++;
              return p;
            });
    if (created[0]) {
      poller.start();
    }
    return new Wait(poller);
  }

  /** How many results callers of this process are waiting for. */
  public int watched() {
    return pollers.size();
  }

  /** One caller's interest in a result. */
  public final class Wait {
    private final Poller poller;
    private final AtomicBoolean left = new AtomicBoolean();

    private Wait(Poller poller) {
      this.poller = poller;
    }

    /** Completes with the completed result, or exceptionally with why it never will. */
    public CompletableFuture<StoredPrompt> settled() {
      return poller.settled;
    }

    /**
     * Whether this caller is the one to count the generation as its own: true for exactly one of a
     * result's waiters, and only when this process generated it after taking the lease over.
     */
    public boolean ranTheGeneration() {
      return poller.generatedHere && poller.generationCounted.compareAndSet(false, true);
    }

    /** Ends this caller's interest; the last one to leave stops the poller. */
    public void leave() {
      if (!left.compareAndSet(false, true)) {
        return;
      }
      // Decided inside the compute, where the count changes: two callers leaving at once see
      // their own decrement, and exactly one of them sees the last.
      boolean[] last = new boolean[1];
      pollers.computeIfPresent(
          poller.resultId,
          (id, current) -> {
            if (current != poller) {
              return current;
            }
            last[0] = --poller.waiters == 0;
            return last[0] ? null : current;
          });
      if (last[0]) {
        poller.close(); // outside the map's compute, which close must not re-enter
      }
    }
  }

  private final class Poller {
    private final String resultId;
    private final String promptId;
    private final CompletableFuture<StoredPrompt> settled = new CompletableFuture<>();
    private final AtomicBoolean checking = new AtomicBoolean();
    private final AtomicBoolean generationCounted = new AtomicBoolean();
    private volatile boolean generatedHere;
    private volatile boolean again;
    private volatile boolean closed;
    private ResultWatch watch; // under this poller's lock
    private volatile ScheduledFuture<?> next;
    private Duration pause = pollInitial;
    private volatile int waiters; // changed inside the map's compute only

    private Poller(StoredPrompt seen) {
      this.resultId = seen.result().id();
      this.promptId = seen.prompt().id();
      settled.whenComplete((state, failure) -> close());
    }

    private void start() {
      run(
          () -> {
            // Opened before the first read, so that no change between the two is missed.
            ResultWatch opened = store.watch(resultId, this::wake);
            synchronized (this) {
              if (!closed) {
                watch = opened;
                opened = null;
              }
            }
            if (opened != null) {
              opened.close(); // every caller left before it opened
              return;
            }
            check();
          });
    }

    private void wake() {
      run(this::check);
    }

    private void run(Runnable task) {
      try {
        reads.execute(
            () -> {
              try {
                task.run();
              } catch (RuntimeException e) {
                settled.completeExceptionally(e);
              }
            });
      } catch (RejectedExecutionException e) {
        settled.completeExceptionally(shuttingDown());
      }
    }

    /** One check at a time; a wake during one makes it look once more. */
    private void check() {
      again = true;
      while (again && !closed && checking.compareAndSet(false, true)) {
        try {
          again = false;
          checkOnce();
        } finally {
          checking.set(false);
        }
      }
    }

    private void checkOnce() {
      StoredPrompt current =
          store
              .find(promptId)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "prompt " + promptId + " vanished from the store; this is a bug"));
      Result result = current.result();
      if (result.status() == ResultStatus.COMPLETED) {
        settled.complete(current);
        return;
      }
      if (result.status() == ResultStatus.FAILED
          && (result.attempts() >= maxAttempts || owner.failureIsTheAnswer(current))) {
        settled.completeExceptionally(owner.failure(current));
        return;
      }
      Instant now = owner.now();
      if (!owner.stopping()
          && (result.status() == ResultStatus.FAILED || !result.leaseLiveAt(now))) {
        Optional<Claim> takeover = owner.takeOver(result, now);
        if (takeover.isPresent()) {
          // Set before the run: a wake may see the stored result before the run reports it.
          generatedHere = true;
          owner
              .generate(takeover.get())
              .whenComplete(
                  (done, failure) -> {
                    if (failure != null) {
                      settled.completeExceptionally(failure);
                    } else if (done.isPresent()) {
                      settled.complete(done.get());
                    } else {
                      generatedHere = false;
                      schedule(pollInitial); // fenced out: someone else owns it now
                    }
                  });
          return;
        }
      }
      Duration wait = min(pause, untilExpiry(result, now));
      pause = min(pause.multipliedBy(2), pollMax);
      schedule(wait);
    }

    /** Replaces the pending wake, so that wakes never pile up. */
    private synchronized void schedule(Duration delay) {
      if (closed) {
        return;
      }
      ScheduledFuture<?> previous = next;
      try {
        next = timer.schedule(this::wake, delay.toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        settled.completeExceptionally(shuttingDown());
      }
      if (previous != null) {
        previous.cancel(false);
      }
    }

    /** Stops polling and closes the watch, once: by the last caller to leave, or on settling. */
    private void close() {
      ScheduledFuture<?> pending;
      ResultWatch open;
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
        pending = next;
        open = watch;
        watch = null;
      }
      pollers.remove(resultId, this);
      if (pending != null) {
        pending.cancel(false);
      }
      if (open != null) {
        open.close();
      }
    }
  }

  private static GenieException shuttingDown() {
    return new GenieException(
        CoreErrorCode.SHUTTING_DOWN, "Genie is shutting down; retry elsewhere");
  }

  /** How long until a live lease expires, plus a millisecond to be past it; else a minute. */
  private static Duration untilExpiry(Result result, Instant now) {
    if (!result.leaseLiveAt(now)) {
      return Duration.ofMinutes(1);
    }
    return Duration.between(now, result.leaseExpiresAt()).plusMillis(1);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
