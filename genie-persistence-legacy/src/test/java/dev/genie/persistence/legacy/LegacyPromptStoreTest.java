package dev.genie.persistence.legacy;

import static dev.genie.persistence.legacy.TestPrompts.T0;
import static dev.genie.persistence.legacy.TestPrompts.prompt;
import static dev.genie.persistence.legacy.TestPrompts.terms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.persistence.Claim;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.PromptKeyCollisionException;
import dev.genie.persistence.StoreException;
import dev.genie.persistence.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The store's life beyond the contract: settings, close, interrupts, many writers. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LegacyPromptStoreTest {
  @TempDir Path dir;

  @Test
  void describeNamesTheStoreItsAbsoluteDirectoryAndTheCount() {
    try (LegacyPromptStore store = open()) {
      store.claim(prompt("one"), terms("owner", T0));

      assertThat(store.name()).isEqualTo("legacy");
      assertThat(store.describe())
          .containsExactly(
              Map.entry("store", "legacy"),
              Map.entry("dataDir", dir.toAbsolutePath().normalize().toString()),
              Map.entry("prompts", 1));
    }
  }

  @Test
  void aKeyStoredForAnotherNamespaceIsRefused() {
    try (LegacyPromptStore store = open()) {
      NewPrompt text = prompt("one");
      store.claim(text, terms("owner", T0));
      NewPrompt elsewhere =
          new NewPrompt(
              text.key(),
              text.rawText(),
              text.normalizedText(),
              text.normalizerVersion(),
              text.profileId(),
              text.profile(),
              "team-a");

      assertThatThrownBy(() -> store.claim(elsewhere, terms("owner", T0)))
          .isInstanceOf(PromptKeyCollisionException.class);
      assertThat(store.list("team-a", 10, Optional.empty()).items()).isEmpty();
    }
  }

  @Test
  void callsAfterCloseAreRefused() {
    LegacyPromptStore store = open();
    Claim claim = store.claim(prompt("one"), terms("owner", T0));
    store.close();
    store.close(); // twice is harmless

    assertThatThrownBy(() -> store.find(claim.state().prompt().id()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("is closed");
    assertThatThrownBy(() -> store.claim(prompt("two"), terms("owner", T0)))
        .isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> store.complete(claim.lease().orElseThrow(), "{}", T0))
        .isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> store.ping(Duration.ofSeconds(1)))
        .isInstanceOf(StoreUnavailableException.class);
  }

  @Test
  void pingFailsWhenTheDatabaseIsGone() throws IOException {
    try (LegacyPromptStore store = open()) {
      store.ping(Duration.ofSeconds(1));
      Files.delete(dir.resolve("genie.db"));

      assertThatThrownBy(() -> store.ping(Duration.ofSeconds(1)))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("genie.db");
      assertThatThrownBy(() -> store.claim(prompt("lost"), terms("owner", T0)))
          .isInstanceOf(StoreUnavailableException.class);
    }
  }

  @Test
  void anInterruptedCallerNeitherFailsNorBreaksTheStoreForOthers() {
    try (LegacyPromptStore store = open()) {
      Thread.currentThread().interrupt();
      Claim claim;
      try {
        claim = store.claim(prompt("interrupted"), terms("owner", T0));
      } finally {
        assertThat(Thread.interrupted()).as("the interrupt flag is kept").isTrue();
      }

      assertThat(store.complete(claim.lease().orElseThrow(), "{}", T0)).isPresent();
      store.ping(Duration.ofSeconds(1));
    }
    try (LegacyPromptStore store = open()) {
      assertThat(store.list(10, Optional.empty()).items()).hasSize(1);
    }
  }

  @Test
  void concurrentClaimsOfDistinctPromptsAreAllKept() throws Exception {
    int threads = 8;
    int perThread = 10;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<String> ids = new ArrayList<>();
    try (LegacyPromptStore store = open()) {
      List<Future<List<String>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  List<String> mine = new ArrayList<>();
                  for (int i = 0; i < perThread; i++) {
                    String text = "prompt " + thread + "/" + i;
                    mine.add(store.claim(prompt(text), terms("owner", T0)).state().prompt().id());
                  }
                  return mine;
                }));
      }
      for (Future<List<String>> f : futures) {
        ids.addAll(f.get(20, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }

    try (LegacyPromptStore store = open()) {
      assertThat(store.list(1000, Optional.empty()).items())
          .extracting(s -> s.prompt().id())
          .hasSize(threads * perThread)
          .containsExactlyInAnyOrderElementsOf(ids);
    }
  }

  @Test
  void settingsNameTheEnvironmentKeyWhenTheDirectoryIsMissing() {
    assertThatThrownBy(() -> new LegacyStoreSettings(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LegacyStoreSettings.dataDir");
    assertThatThrownBy(() -> new LegacyStoreSettings(Path.of(" ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LegacyStoreSettings.dataDir");
    assertThat(new LegacyStoreSettings(Path.of("a/../b")).dataDir())
        .isEqualTo(Path.of("b").toAbsolutePath().normalize());
  }

  @Test
  void aDataDirThatIsAFileIsRefusedNamingTheKey() throws IOException {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");

    assertThatThrownBy(() -> LegacyPromptStore.open(new LegacyStoreSettings(file)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("LegacyStoreSettings.dataDir");
  }

  private LegacyPromptStore open() {
    return LegacyPromptStore.open(new LegacyStoreSettings(dir));
  }
}
