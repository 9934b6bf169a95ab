package dev.genie.core;

import dev.genie.core.generate.Generation;
import dev.genie.core.generate.Generator;
import dev.genie.core.generate.SampleGenerator;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** A generator whose calls follow a script: succeed, fail, or block until released. */
class ScriptedGenerator implements Generator {
  enum Step {
    SUCCEED,
    FAIL,
    BLOCK,
    UNAVAILABLE
  }

  final AtomicInteger calls = new AtomicInteger();
  final CountDownLatch blocked = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  private final ConcurrentLinkedQueue<Step> script = new ConcurrentLinkedQueue<>();
  private final Step otherwise;
  private final SampleGenerator sample = new SampleGenerator(Duration.ZERO);

  ScriptedGenerator(Step otherwise, Step... first) {
    this.otherwise = otherwise;
    script.addAll(java.util.List.of(first));
  }

  @Override
  public String name() {
    return "scripted";
  }

  @Override
  public Generation generate(String normalizedPrompt) throws Exception {
    int call = calls.incrementAndGet();
    Step step = script.isEmpty() ? otherwise : script.poll();
    switch (step) {
      case FAIL -> throw new IllegalStateException("scripted failure " + call);
      case UNAVAILABLE ->
          throw new GeneratorUnavailableException("scripted outage " + call, Duration.ofSeconds(7));
      case BLOCK -> {
        blocked.countDown();
        release.await();
      }
      case SUCCEED -> {}
    }
    return sample.generate(normalizedPrompt + " #" + call);
  }
}
