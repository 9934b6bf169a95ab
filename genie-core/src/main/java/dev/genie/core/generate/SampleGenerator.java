package dev.genie.core.generate;

import dev.genie.persistence.Bounds;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The default generator: offline and deterministic, so the same normalized prompt always yields the
 * same pages. {@code delay} adds latency, to widen race windows in tests and benchmarks.
 */
public final class SampleGenerator implements Generator {
  public static final String NAME = "sample";
  public static final String MODEL = "genie-sample-1";

  /** The delay changes when, not what: it is not part of the profile. */
  public static final GenerationProfile PROFILE = GenerationProfile.of(NAME, MODEL, "pages");

  private static final String[] WORDS = {
    "amber", "quiet", "river", "lantern", "harvest", "wind", "orchard", "morning", "silver",
    "meadow", "ember", "tide", "hollow", "north", "paper", "garden", "stone", "echo", "willow",
    "thread", "hearth", "drift", "bloom", "signal"
  };
  private static final int TITLE_CODE_POINTS = 60;

  private final Duration delay;

  public SampleGenerator(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + Bounds.millis(delay));
    }
    this.delay = delay;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public GenerationProfile profile() {
    return PROFILE;
  }

  /** Without a delay it only computes: it runs on the caller's thread. */
  @Override
  public boolean blocks() {
    return !delay.isZero();
  }

  @Override
  public Generation generate(String normalizedPrompt) throws InterruptedException {
    if (!delay.isZero()) {
      Thread.sleep(delay.toMillis());
    }
    SplittableRandom random = new SplittableRandom(seed(normalizedPrompt));
    int pageCount = 1 + random.nextInt(3);
    List<Page> pages = new ArrayList<>(pageCount);
    for (int p = 1; p <= pageCount; p++) {
      List<Block> blocks = new ArrayList<>();
      int blockCount = 1 + random.nextInt(3);
      for (int b = 0; b < blockCount; b++) {
        blocks.add(Block.text(sentence(random)));
      }
      pages.add(new Page("p" + p, title(normalizedPrompt, p), blocks));
    }
    return new Generation(MODEL, pages);
  }

  private static String title(String prompt, int page) {
    String title =
        prompt.codePointCount(0, prompt.length()) <= TITLE_CODE_POINTS
            ? prompt
            : prompt.substring(0, prompt.offsetByCodePoints(0, TITLE_CODE_POINTS)) + "…";
    return page == 1 ? title : title + " (" + page + ")";
  }

  private static String sentence(SplittableRandom random) {
    int words = 6 + random.nextInt(8);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < words; i++) {
      String word = WORDS[random.nextInt(WORDS.length)];
      if (i == 0) {
        out.append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length());
      } else {
        out.append(' ').append(word);
      }
    }
    return out.append('.').toString();
  }

  /**
   * FNV-1a over the UTF-8 bytes: fixed by its definition, so pages never change between releases.
   */
  private static long seed(String text) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    return hash;
  }
}
