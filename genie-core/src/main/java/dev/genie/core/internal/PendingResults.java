package dev.genie.core.internal;

import dev.genie.core.CoreErrorCode;
import dev.genie.core.GenieException;
import dev.genie.persistence.Claim;
import dev.genie.persistence.PromptStore;
import dev.genie.persistence.Result;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.ResultWatch;
import dev.genie.persistence.StoreUnavailableException;
import dev.genie.persistence.StoredPrompt;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The waits of this process for results that another caller generates, holding no thread while they
 * wait: one poller per result, shared by every caller waiting for it, reads the result again when
 * its watch signals a change or its pause (with backoff) ends, and takes the lease over when it
 * expires. A caller gets a future of the settled result; {@link Wait#leave} ends its interest.
 * State under one lock; futures are settled, stores and timers called, outside it.
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

  /**
   * Guards {@link #pollers} and every poller's and wait's fields; held to call nothing but the
   * timer, whose queue never waits.
   */
  private final Object lock = new Object();

  private final Map<String, Poller> pollers = new HashMap<>();

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
    Poller found;
    boolean created = false;
    synchronized (lock) {
      found = pollers.get(seen.result().id());
      if (found == null) {
        found = new Poller(seen);
        pollers.put(found.resultId, found);
        created = true;
      }
      found.waiters++;
    }
    Poller poller = found;
    if (created) {
      poller.settled.whenComplete((state, failure) -> poller.close());
      poller.start();
    }
    return new Wait(poller);
  }

  /**
   * The prompt {@code promptId} as stored now. A prompt is never deleted, but one can be seen
   * before its creation is durable: on a primary that then crashes before its standby confirmed the
   * creator's commit, which the creator was never told of either. Its waiters are answered as by a
   * store that cannot serve, and send the prompt again.
   *
   * @throws StoreUnavailableException when it is not there
   */
  public StoredPrompt current(String promptId) {
    return store
        .find(promptId)
        .orElseThrow(
            () ->
                new StoreUnavailableException(
                    "prompt "
                        + promptId
                        + " is no longer in the store: it was seen before its creation was"
                        + " durable, and a failover lost it; send the prompt again"));
  }

  /** How many results callers of this process are waiting for. */
  public int watched() {
    synchronized (lock) {
      return pollers.size();
    }
  }

  /** One caller's interest in a result. */
  public final class Wait {
    private final Poller poller;
    private boolean left; // under lock

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
      synchronized (lock) {
        if (!poller.generatedHere || poller.generationCounted) {
          return false;
        }
        poller.generationCounted = true;
        return true;
      }
    }

    /** Ends this caller's interest; the last one to leave stops the poller. */
    public void leave() {
      boolean last;
      synchronized (lock) {
        // Decided under the lock, where the count changes: two callers leaving at once see their
        // own decrement, and exactly one of them sees the last.
        if (left) {
          return;
        }
        left = true;
        last = --poller.waiters == 0;
      }
      if (last) {
        poller.close();
      }
    }
  }

  /** The shared wait for one result. Its fields are guarded by the lock of its results. */
  private final class Poller {
    private final String resultId;
    private final String promptId;
    private final CompletableFuture<StoredPrompt> settled = new CompletableFuture<>();
    private boolean checking;
    private boolean again;
    private boolean generationCounted;
    private boolean generatedHere;
    private boolean closed;
    private ResultWatch watch;
    private ScheduledFuture<?> next;
    private Duration pause = pollInitial;
    private int waiters;

    private Poller(StoredPrompt seen) {
      this.resultId = seen.result().id();
      this.promptId = seen.prompt().id();
    }

    private void start() {
      run(
          () -> {
            // Opened before the first read, so that no change between the two is missed.
            ResultWatch opened = store.watch(resultId, this::wake);
            synchronized (lock) {
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
      synchronized (lock) {
        again = true;
        if (checking) {
          return;
        }
        checking = true;
      }
      boolean ended = false;
      try {
        while (lookAgain()) {
          checkOnce();
        }
        ended = true;
      } finally {
        if (!ended) {
          synchronized (lock) {
            checking = false;
          }
        }
      }
    }

    /**
     * Whether a wake came since the last look and the wait goes on, consuming the wake; else the
     * check ends, in the same step, so that a wake coming next starts one.
     */
    private boolean lookAgain() {
      synchronized (lock) {
        if (again && !closed) {
          again = false;
          return true;
        }
        checking = false;
        return false;
      }
    }

    private void checkOnce() {
      StoredPrompt current = current(promptId);
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
          generatedHere(true);
          owner
              .generate(takeover.get())
              .whenComplete(
                  (done, failure) -> {
                    if (failure != null) {
                      settled.completeExceptionally(failure);
                    } else if (done.isPresent()) {
                      settled.complete(done.get());
                    } else {
                      generatedHere(false);
                      schedule(pollInitial); // fenced out: someone else owns it now
                    }
                  });
          return;
        }
      }
      Duration wait;
      synchronized (lock) {
        wait = min(pause, untilExpiry(result, now));
        pause = min(pause.multipliedBy(2), pollMax);
      }
      schedule(wait);
    }

    private void generatedHere(boolean here) {
      synchronized (lock) {
        generatedHere = here;
      }
    }

    /** Replaces the pending wake, so that wakes never pile up. */
    private void schedule(Duration delay) {
      ScheduledFuture<?> previous;
      boolean rejected = false;
      synchronized (lock) {
        if (closed) {
          return;
        }
        previous = next;
        try {
          next = timer.schedule(this::wake, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
          rejected = true;
        }
      }
      if (previous != null) {
        previous.cancel(false);
      }
      if (rejected) {
        settled.completeExceptionally(shuttingDown());
      }
    }

    /** Stops polling and closes the watch, once: by the last caller to leave, or on settling. */
    private void close() {
      ScheduledFuture<?> pending;
      ResultWatch open;
      synchronized (lock) {
        if (closed) {
          return;
        }
        closed = true;
        pending = next;
        open = watch;
        watch = null;
        pollers.remove(resultId, this);
      }
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
