package dev.genie.core.internal;

import dev.genie.core.CoreErrorCode;
import dev.genie.core.GenieException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The slots that generations run in, and the callers waiting for one: at most {@code slots}
 * generations at once, at most {@code capacity} callers waiting, each namespace's in a line of its
 * own, and a freed slot goes to the head of the next namespace's line in turn, so that one
 * namespace's flood delays another's prompt by about one generation per namespace waiting, not by
 * the flood. A caller waits before it claims anything: one that leaves the line has changed
 * nothing. State under one lock; futures are settled outside it.
 */
public final class GenerationQueue {
  private final int slots;
  private final int capacity;
  private final String settings;
  private final Object lock = new Object();

  /** Namespaces with callers waiting, in the order they are served next. */
  private final Map<String, ArrayDeque<CompletableFuture<Void>>> lines = new LinkedHashMap<>();

  private int free;
  private int waiting;

  /** Slots lent to a sweep that is looking for work to put in them. */
  private int lent;

  private boolean closed;

  /**
   * @param settings the settings that change the bounds, for the refusal's message
   */
  public GenerationQueue(int slots, int capacity, String settings) {
    if (slots < 1 || capacity < 0) {
      throw new IllegalArgumentException(
          "a generation queue needs a slot and no negative capacity; this is a bug");
    }
    this.slots = slots;
    this.capacity = capacity;
    this.settings = settings;
    this.free = slots;
  }

  /**
   * A slot for a caller of {@code namespace}: the future is complete at once when one is free, else
   * it completes when the caller's turn comes, unless {@link #leave} takes it out first.
   *
   * @throws GenieException {@code OVERLOADED} at once when the line is full, {@code SHUTTING_DOWN}
   *     after {@link #close}
   */
  public CompletableFuture<Void> acquire(String namespace) {
    synchronized (lock) {
      if (free > 0) {
        free--;
        return CompletableFuture.completedFuture(null);
      }
      if (closed) {
        throw new GenieException(
            CoreErrorCode.SHUTTING_DOWN, "Genie is shutting down; retry elsewhere");
      }
      if (waiting >= capacity + lent) {
        throw new GenieException(
            CoreErrorCode.OVERLOADED,
            slots
                + " generations are running and "
                + capacity
                + " more are waiting ("
                + settings
                + "); retry shortly");
      }
      CompletableFuture<Void> turn = new CompletableFuture<>();
      lines.computeIfAbsent(namespace, ignored -> new ArrayDeque<>()).addLast(turn);
      waiting++;
      return turn;
    }
  }

  /** A slot only if one is free now: for work that can come back later (a takeover). */
  public boolean tryAcquire() {
    synchronized (lock) {
      if (free == 0) {
        return false;
      }
      free--;
      return true;
    }
  }

  /**
   * Up to {@code most} free slots for a sweep that does not know yet whether it has work for them.
   * Callers who find no slot free meanwhile wait, and the line takes as many more before it refuses
   * anyone: what the sweep finds no work for comes back at once, so a sweep never turns a caller
   * away.
   */
  public int lend(int most) {
    synchronized (lock) {
      int granted = Math.min(most, free);
      free -= granted;
      lent += granted;
      return granted;
    }
  }

  /** Ends a loan of {@code count} slots, of which {@code kept} now run generations. */
  public void endLoan(int count, int kept) {
    if (kept > count) {
      throw new IllegalArgumentException("kept " + kept + " of " + count + " lent; this is a bug");
    }
    // Hands the unused slots on before the line shrinks back, so no caller is refused meanwhile.
    for (int unused = kept; unused < count; unused++) {
      release();
    }
    synchronized (lock) {
      lent -= count;
    }
  }

  /** Gives a slot back: to the next namespace's first caller in turn, or to the free ones. */
  public void release() {
    CompletableFuture<Void> next;
    synchronized (lock) {
      next = next();
      if (next == null) {
        if (free == slots) {
          throw new IllegalStateException("a generation slot was given back twice; this is a bug");
        }
        free++;
        return;
      }
    }
    if (!next.complete(null)) {
      release(); // settled meanwhile by its caller's end: the slot goes on
    }
  }

  /**
   * Takes a caller's turn out of its line; false when it is not there any more (its slot was
   * granted, or it was never queued).
   */
  public boolean leave(String namespace, CompletableFuture<Void> turn) {
    synchronized (lock) {
      ArrayDeque<CompletableFuture<Void>> line = lines.get(namespace);
      if (line == null || !line.remove(turn)) {
        return false;
      }
      waiting--;
      if (line.isEmpty()) {
        lines.remove(namespace);
      }
      return true;
    }
  }

  /** Callers waiting for a slot now. */
  public int waiting() {
    synchronized (lock) {
      return waiting;
    }
  }

  /** Ends every wait with {@code why}; later callers that would wait get {@code SHUTTING_DOWN}. */
  public void close(RuntimeException why) {
    List<CompletableFuture<Void>> ended = new ArrayList<>();
    synchronized (lock) {
      closed = true;
      lines.values().forEach(ended::addAll);
      lines.clear();
      waiting = 0;
    }
    ended.forEach(turn -> turn.completeExceptionally(why));
  }

  /** The first caller of the namespace served next, which then goes to the end of the round. */
  private CompletableFuture<Void> next() {
    Iterator<Map.Entry<String, ArrayDeque<CompletableFuture<Void>>>> first =
        lines.entrySet().iterator();
    if (!first.hasNext()) {
      return null;
    }
    Map.Entry<String, ArrayDeque<CompletableFuture<Void>>> entry = first.next();
    first.remove();
    CompletableFuture<Void> turn = entry.getValue().pollFirst();
    if (!entry.getValue().isEmpty()) {
      lines.put(entry.getKey(), entry.getValue());
    }
    waiting--;
    return turn;
  }
}
