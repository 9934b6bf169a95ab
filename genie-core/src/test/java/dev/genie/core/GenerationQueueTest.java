package dev.genie.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.core.generate.Generation;
import dev.genie.core.generate.Generator;
import dev.genie.core.generate.SampleGenerator;
import dev.genie.core.generate.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * New prompts of a generator that blocks wait for a generation slot before they claim: a bounded
 * line per namespace, served in turn across namespaces.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GenerationQueueTest {
  private final FakePromptStore store = new FakePromptStore();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T12:00:00Z"));
  private final GatedGenerator generator = new GatedGenerator();
  private Orchestrator orchestrator;

  @AfterEach
  void stop() {
    generator.gate.release(10_000);
    if (orchestrator != null) {
      orchestrator.shutdown(Duration.ofSeconds(1));
    }
  }

  private Orchestrator orchestrator(int slots, int queue) {
    orchestrator =
        new Orchestrator(
            store,
            generator,
            OrchestratorSettings.builder()
                .waitTimeout(Duration.ofSeconds(20))
                .instanceId("test")
                .generationConcurrency(slots)
                .generationQueue(queue)
                .build(),
            clock,
            OrchestratorListener.NONE);
    orchestrator.start();
    return orchestrator;
  }

  private CompletableFuture<Answer> submit(String namespace, String prompt) {
    return orchestrator.submitAsync(
        namespace, prompt, GenerationBudget.UNLIMITED, Duration.ofSeconds(20));
  }

  @Test
  void anotherNamespacesPromptIsServedBeforeTheFloodAheadOfIt() throws Exception {
    orchestrator(2, 100);
    List<CompletableFuture<Answer>> flood = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      flood.add(submit("flood", "flood prompt " + i));
    }
    assertThat(List.of(generator.started.take(), generator.started.take()))
        .containsExactlyInAnyOrder("flood prompt 0", "flood prompt 1");

    CompletableFuture<Answer> other = submit("other", "the other prompt");
    List<String> next = new ArrayList<>();
    for (int freed = 0; freed < 2; freed++) {
      generator.gate.release(); // one generation ends, one slot comes free
      next.add(generator.started.take());
    }

    assertThat(next).contains("the other prompt");
    generator.gate.release(10_000);
    assertThat(other.join().outcome()).isEqualTo(Answer.Outcome.CREATED);
    flood.forEach(answer -> assertThat(answer.join().outcome()).isEqualTo(Answer.Outcome.CREATED));
  }

  @Test
  void beyondTheQueueANewPromptIsRefusedAtOnceClaimingNothing() throws Exception {
    orchestrator(1, 2);
    submit("a", "running");
    assertThat(generator.started.take()).isEqualTo("running");
    submit("a", "waiting 1");
    submit("b", "waiting 2");
    RecordingBudget budget = new RecordingBudget();

    assertThatThrownBy(
            () -> orchestrator.submitAsync("c", "one too many", budget, Duration.ofSeconds(20)))
        .isInstanceOfSatisfying(
            GenieException.class, e -> assertThat(e.code()).isEqualTo(CoreErrorCode.OVERLOADED))
        .hasMessageContaining("OrchestratorSettings.generationQueue");

    assertThat(store.texts()).containsExactly("running");
    assertThat(budget.reserved).hasValue(1);
    assertThat(budget.settled).containsExactly(Usage.NONE);
  }

  @Test
  void aCallerWhoseWaitEndsInLineLeavesItHavingClaimedNothing() throws Exception {
    orchestrator(1, 10);
    CompletableFuture<Answer> running = submit("a", "running");
    assertThat(generator.started.take()).isEqualTo("running");
    RecordingBudget budget = new RecordingBudget();

    // The one slot stays taken until the gate opens below: this wait can only end in line.
    CompletableFuture<Answer> gaveUp =
        orchestrator.submitAsync("b", "gave up", budget, Duration.ofMillis(1));

    assertThatThrownBy(gaveUp::join)
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOfSatisfying(
            GenieException.class, e -> assertThat(e.code()).isEqualTo(CoreErrorCode.OVERLOADED));
    assertThat(store.texts()).containsExactly("running");
    assertThat(budget.settled).containsExactly(Usage.NONE);

    CompletableFuture<Answer> later = submit("c", "later");
    generator.gate.release(2);
    running.join();
    later.join();
    // Had it stayed in line, it would have had the slot before the later prompt.
    assertThat(generator.order).containsExactly("running", "later");
    assertThat(store.texts()).containsExactlyInAnyOrder("running", "later");
  }

  @Test
  void generationThreadsStayWithinTheSlotsWhileHundredsWait() throws Exception {
    orchestrator(2, 300);
    List<CompletableFuture<Answer>> answers = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      answers.add(submit("ns" + (i % 7), "prompt " + i));
    }
    generator.started.take();
    generator.started.take();
    assertThat(generationThreads()).isLessThanOrEqualTo(2);
    assertThat(store.texts()).hasSize(2); // the others wait unclaimed: nothing to run later

    generator.gate.release(10_000);
    answers.forEach(CompletableFuture::join);

    assertThat(generator.order).hasSize(200);
    assertThat(generator.mostAtOnce).hasValueLessThanOrEqualTo(2);
    assertThat(generator.threads).hasSizeLessThanOrEqualTo(2);
  }

  /** Live threads of this orchestrator's generation pool (the only one running in this test). */
  private static long generationThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(thread -> thread.getName().startsWith("genie-generate-"))
        .count();
  }

  /** Blocks each generation until the test lets one through; records what started, and where. */
  static final class GatedGenerator implements Generator {
    final Semaphore gate = new Semaphore(0);
    final BlockingQueue<String> started = new LinkedBlockingQueue<>();
    final List<String> order = new CopyOnWriteArrayList<>();
    final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger mostAtOnce = new AtomicInteger();
    private final SampleGenerator sample = new SampleGenerator(Duration.ZERO);

    @Override
    public String name() {
      return "gated";
    }

    @Override
    public Generation generate(String normalizedPrompt) throws Exception {
      threads.add(Thread.currentThread());
      mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
      order.add(normalizedPrompt);
      started.add(normalizedPrompt);
      try {
        gate.acquire();
        return sample.generate(normalizedPrompt);
      } finally {
        running.decrementAndGet();
      }
    }
  }

  /** Counts reservations and records what each was settled to. */
  static final class RecordingBudget implements GenerationBudget {
    final AtomicInteger reserved = new AtomicInteger();
    final List<Usage> settled = new CopyOnWriteArrayList<>();

    @Override
    public Reservation reserve(OptionalLong worstCase) {
      reserved.incrementAndGet();
      return settled::add;
    }
  }
}
