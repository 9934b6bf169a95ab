package dev.genie.it;

import dev.genie.core.generate.Generation;
import dev.genie.core.generate.GenerationProfile;
import dev.genie.core.generate.Generator;
import dev.genie.core.generate.SampleGenerator;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sample generator, counted; optionally held at a gate, so that a test decides when an owner's
 * generation may finish.
 */
final class CountingGenerator implements Generator {
  private final SampleGenerator sample;
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();
  private final AtomicInteger failuresLeft;
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch gate;
  private final boolean blocks;

  private CountingGenerator(Duration delay, boolean gated, int failures) {
    this(delay, gated, failures, true);
  }

  private CountingGenerator(Duration delay, boolean gated, int failures, boolean blocks) {
    this.sample = new SampleGenerator(delay);
    this.gate = new CountDownLatch(gated ? 1 : 0);
    this.failuresLeft = new AtomicInteger(failures);
    this.blocks = blocks;
  }

  /** Generates after {@code delay}. */
  static CountingGenerator sample(Duration delay) {
    return new CountingGenerator(delay, false, 0);
  }

  /** Holds every generation until {@link #open()}. */
  static CountingGenerator gated() {
    return new CountingGenerator(Duration.ZERO, true, 0);
  }

  /**
   * Holds every generation until {@link #open()}, on the request's own thread: it says it does not
   * block, so it runs where an in-memory generator would, and holds a request slot while it runs.
   */
  static CountingGenerator gatedOnTheRequestThread() {
    return new CountingGenerator(Duration.ZERO, true, 0, false);
  }

  /** Fails its first {@code failures} generations, then generates. */
  static CountingGenerator failing(int failures) {
    return new CountingGenerator(Duration.ZERO, false, failures);
  }

  @Override
  public String name() {
    return SampleGenerator.NAME;
  }

  /** The sample generator's, so that an in-process instance shares prompts with the jar's. */
  @Override
  public GenerationProfile profile() {
    return sample.profile();
  }

  @Override
  public boolean blocks() {
    return blocks;
  }

  @Override
  public Generation generate(String normalizedPrompt) throws InterruptedException {
    int call = calls.incrementAndGet();
    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
    try {
      entered.countDown();
      gate.await();
      if (failuresLeft.getAndDecrement() > 0) {
        throw new IllegalStateException("the model is down (call " + call + ")");
      }
      return sample.generate(normalizedPrompt);
    } finally {
      running.decrementAndGet();
    }
  }

  int calls() {
    return calls.get();
  }

  /** The most generations that ran at the same time. */
  int mostAtOnce() {
    return mostAtOnce.get();
  }

  /** Waits until a generation has started. */
  void awaitEntered(Duration timeout) throws InterruptedException {
    if (!entered.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      throw new AssertionError("no generation started within " + timeout);
    }
  }

  /** Waits until {@code count} generations have started. */
  void awaitCalls(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (calls.get() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            calls.get() + " of " + count + " generations started within " + timeout);
      }
      Thread.sleep(5);
    }
  }

  void open() {
    gate.countDown();
  }
}
