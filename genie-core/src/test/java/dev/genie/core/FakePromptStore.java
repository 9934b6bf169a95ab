package dev.genie.core;

import dev.genie.persistence.Claim;
import dev.genie.persistence.Failure;
import dev.genie.persistence.Fence;
import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.PageCursor;
import dev.genie.persistence.Prompt;
import dev.genie.persistence.PromptKeyCollisionException;
import dev.genie.persistence.PromptPage;
import dev.genie.persistence.PromptStore;
import dev.genie.persistence.Result;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.ResultWatch;
import dev.genie.persistence.ResultWatchers;
import dev.genie.persistence.StoreUnavailableException;
import dev.genie.persistence.StoredPrompt;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** An in-memory store for core's tests, held to the same contract as the real ones. */
final class FakePromptStore implements PromptStore {
  /** Prompts that {@link #find} no longer finds, as a failover loses one not yet durable. */
  final Set<String> lostPrompts = ConcurrentHashMap.newKeySet();

  private final Map<String, Prompt> promptsByKey = new HashMap<>();
  private final Map<String, Prompt> promptsById = new HashMap<>();
  private final Map<String, Result> resultsByPromptId = new HashMap<>();
  private final ResultWatchers watchers = new ResultWatchers();
  final AtomicInteger claims = new AtomicInteger();
  final AtomicBoolean unavailable = new AtomicBoolean();

  /** Runs before each renewal reaches the store, outside its lock: where a test can hold one. */
  volatile Runnable beforeRenewal = () -> {};

  /** The fences of every call that renews a set of leases, in order. */
  final List<List<Fence>> renewals = new CopyOnWriteArrayList<>();

  /** Every lease released, in order, whether or not it was still current. */
  final List<Fence> releases = new CopyOnWriteArrayList<>();

  /** How many completions to refuse as unavailable before the next is taken. */
  final AtomicInteger completionsToRefuse = new AtomicInteger();

  /** Waits up to 20 s until the prompt's result has {@code status}, and returns it then. */
  StoredPrompt awaitStatus(String promptId, ResultStatus status) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      StoredPrompt state = find(promptId).orElseThrow();
      if (state.result().status() == status) {
        return state;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("prompt " + promptId + " never became " + status);
  }

  /** The normalized text of every stored prompt. */
  synchronized java.util.Set<String> texts() {
    java.util.Set<String> texts = new java.util.HashSet<>();
    promptsById.values().forEach(prompt -> texts.add(prompt.normalizedText()));
    return texts;
  }

  /** The one stored prompt and its result, for tests that store exactly one. */
  synchronized StoredPrompt only() {
    if (promptsById.size() != 1) {
      throw new IllegalStateException(promptsById.size() + " prompts are stored, not one");
    }
    Prompt prompt = promptsById.values().iterator().next();
    return new StoredPrompt(prompt, resultsByPromptId.get(prompt.id()));
  }

  @Override
  public String name() {
    return "fake";
  }

  @Override
  public synchronized Claim claim(NewPrompt text, LeaseTerms terms) {
    checkAvailable();
    claims.incrementAndGet();
    Prompt existing = promptsByKey.get(text.key());
    if (existing != null) {
      if (!existing.normalizedText().equals(text.normalizedText())
          || !existing.profileId().equals(text.profileId())) {
        throw new PromptKeyCollisionException(text.key());
      }
      return Claim.existing(state(existing));
    }
    Prompt prompt = text.stored(UUID.randomUUID().toString(), terms.now());
    Result result = Result.pending(UUID.randomUUID().toString(), prompt.id(), terms);
    promptsByKey.put(prompt.key(), prompt);
    promptsById.put(prompt.id(), prompt);
    resultsByPromptId.put(prompt.id(), result);
    return Claim.granted(new StoredPrompt(prompt, result), true);
  }

  @Override
  public synchronized Optional<Claim> takeOver(Fence observed, LeaseTerms terms) {
    checkAvailable();
    Optional<Result> current = current(observed);
    if (current.isEmpty()) {
      return Optional.empty();
    }
    Result r = current.get();
    if (!r.canBeTakenOver(terms)) {
      return Optional.empty();
    }
    Result taken = replace(r.takenOver(terms));
    return Optional.of(
        Claim.granted(new StoredPrompt(promptsById.get(r.promptId()), taken), false));
  }

  @Override
  public synchronized List<Claim> takeOverExpired(LeaseTerms terms, int limit) {
    checkAvailable();
    List<Claim> taken = new ArrayList<>();
    for (Result r : List.copyOf(resultsByPromptId.values())) {
      if (taken.size() < limit && r.status() == ResultStatus.PENDING && r.canBeTakenOver(terms)) {
        taken.add(
            Claim.granted(
                new StoredPrompt(promptsById.get(r.promptId()), replace(r.takenOver(terms))),
                false));
      }
    }
    return taken;
  }

  @Override
  public boolean renew(Fence fence, LeaseTerms terms) {
    beforeRenewal.run();
    return renewNow(fence, terms);
  }

  /** One call, as the SQL store's one statement: recorded, then each renewed under the lock. */
  @Override
  public Set<Fence> renew(Collection<Fence> fences, LeaseTerms terms) {
    renewals.add(List.copyOf(fences));
    beforeRenewal.run();
    return renewAll(fences, terms);
  }

  private synchronized Set<Fence> renewAll(Collection<Fence> fences, LeaseTerms terms) {
    Set<Fence> renewed = new HashSet<>();
    for (Fence fence : fences) {
      if (renewNow(fence, terms)) {
        renewed.add(fence);
      }
    }
    return renewed;
  }

  private synchronized boolean renewNow(Fence fence, LeaseTerms terms) {
    checkAvailable();
    return current(fence)
        .filter(r -> r.status() == ResultStatus.PENDING)
        .map(r -> replace(r.renewed(terms)))
        .isPresent();
  }

  @Override
  public synchronized Optional<Result> complete(Fence fence, String envelopeJson, Instant now) {
    checkAvailable();
    if (completionsToRefuse.getAndDecrement() > 0) {
      throw new StoreUnavailableException("the fake store refuses this completion");
    }
    return current(fence)
        .filter(r -> r.status() == ResultStatus.PENDING)
        .map(r -> replace(r.completed(envelopeJson, now)));
  }

  @Override
  public synchronized Optional<Result> fail(Fence fence, Failure failure, Instant now) {
    checkAvailable();
    return current(fence)
        .filter(r -> r.status() == ResultStatus.PENDING)
        .map(r -> replace(r.failed(failure, now)));
  }

  @Override
  public synchronized boolean release(Fence fence, Instant now) {
    checkAvailable();
    releases.add(fence);
    return current(fence)
        .filter(r -> r.status() == ResultStatus.PENDING)
        .map(r -> replace(r.released(now)))
        .isPresent();
  }

  @Override
  public synchronized Optional<StoredPrompt> find(String promptId) {
    checkAvailable();
    if (lostPrompts.contains(promptId)) {
      return Optional.empty();
    }
    return Optional.ofNullable(promptsById.get(promptId)).map(this::state);
  }

  @Override
  public synchronized Optional<StoredPrompt> findByKey(String promptKey) {
    checkAvailable();
    return Optional.ofNullable(promptsByKey.get(promptKey)).map(this::state);
  }

  @Override
  public synchronized PromptPage list(int limit, Optional<PageCursor> after) {
    return page(promptsById.values(), limit, after);
  }

  @Override
  public synchronized PromptPage list(String namespace, int limit, Optional<PageCursor> after) {
    return page(
        promptsById.values().stream().filter(p -> p.namespace().equals(namespace)).toList(),
        limit,
        after);
  }

  private PromptPage page(Collection<Prompt> prompts, int limit, Optional<PageCursor> after) {
    Comparator<Prompt> newestFirst =
        Comparator.comparing(Prompt::createdAt).thenComparing(Prompt::id).reversed();
    List<Prompt> sorted = new ArrayList<>(prompts);
    sorted.sort(newestFirst);
    List<StoredPrompt> items = new ArrayList<>();
    for (Prompt p : sorted) {
      boolean past =
          after.isEmpty()
              || newestFirst.compare(
                      p, new Prompt(after.get().promptId(), "", "", "", 1, after.get().createdAt()))
                  > 0;
      if (past && items.size() <= limit) {
        items.add(state(p));
      }
    }
    if (items.size() <= limit) {
      return new PromptPage(items, Optional.empty());
    }
    List<StoredPrompt> page = items.subList(0, limit);
    return new PromptPage(page, Optional.of(PageCursor.after(page.get(limit - 1).prompt())));
  }

  /** Watches opened and not yet closed. */
  final AtomicInteger openWatches = new AtomicInteger();

  /** Closes of a watch that was closed already. */
  final AtomicInteger watchesClosedAgain = new AtomicInteger();

  @Override
  public ResultWatch watch(String resultId, Runnable onChange) {
    ResultWatch watch = watchers.open(resultId, onChange);
    openWatches.incrementAndGet();
    AtomicBoolean closed = new AtomicBoolean();
    return new ResultWatch() {
      @Override
      public void await(Duration timeout) throws InterruptedException {
        watch.await(timeout);
      }

      @Override
      public void close() {
        if (closed.compareAndSet(false, true)) {
          openWatches.decrementAndGet();
        } else {
          watchesClosedAgain.incrementAndGet();
        }
        watch.close();
      }
    };
  }

  @Override
  public void ping(Duration timeout) {
    checkAvailable();
  }

  @Override
  public Map<String, Object> describe() {
    return Map.of("store", "in-memory fake");
  }

  @Override
  public void close() {}

  private void checkAvailable() {
    if (unavailable.get()) {
      throw new StoreUnavailableException("the fake store was told to be unavailable");
    }
  }

  private Optional<Result> current(Fence fence) {
    return resultsByPromptId.values().stream()
        .filter(r -> r.id().equals(fence.resultId()) && r.fencingToken() == fence.token())
        .findFirst();
  }

  private Result replace(Result result) {
    resultsByPromptId.put(result.promptId(), result);
    watchers.signal(result.id());
    return result;
  }

  private StoredPrompt state(Prompt prompt) {
    return new StoredPrompt(prompt, resultsByPromptId.get(prompt.id()));
  }
}
