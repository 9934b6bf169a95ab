package dev.genie.core;

import dev.genie.core.chat.ChatRequest;
import dev.genie.core.generate.Generation;
import dev.genie.core.generate.GenerationException;
import dev.genie.core.generate.GenerationProfile;
import dev.genie.core.generate.Generator;
import dev.genie.core.generate.Usage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A chat generator whose calls follow a script: each answers a completion document with an id of
 * its own, or fails with an endpoint's status; {@link #hold} makes the next calls wait for {@link
 * #release}.
 */
final class ScriptedChatGenerator implements Generator {
  final AtomicInteger calls = new AtomicInteger();
  final List<String> requests = new CopyOnWriteArrayList<>();
  final CountDownLatch blocked = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  private final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
  private volatile boolean hold;

  /** The next calls fail with these statuses, in order; 200 answers. */
  ScriptedChatGenerator then(Integer... statuses) {
    this.statuses.addAll(List.of(statuses));
    return this;
  }

  ScriptedChatGenerator hold() {
    hold = true;
    return this;
  }

  @Override
  public String name() {
    return "openai";
  }

  @Override
  public GenerationProfile profile() {
    return ChatRequest.PROFILE;
  }

  @Override
  public Generation generate(String canonical) throws Exception {
    int call = calls.incrementAndGet();
    requests.add(canonical);
    if (hold) {
      blocked.countDown();
      release.await();
    }
    Integer status = statuses.poll();
    if (status != null && status != 200) {
      throw new GenerationException(
          "the endpoint answered HTTP " + status,
          status,
          Duration.ofSeconds(status == 429 ? 7 : 0));
    }
    return Generation.document(
        "fake-model",
        "{\"id\":\"chatcmpl-"
            + call
            + "\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"fake-model\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Rain"
            + " on tin\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":34,\"total_tokens\":46}}",
        new Usage(12, 34),
        "stop");
  }
}
