package dev.genie.persistence.legacy;

import dev.genie.persistence.ApiKey;
import dev.genie.persistence.Claim;
import dev.genie.persistence.Failure;
import dev.genie.persistence.Fence;
import dev.genie.persistence.KeyStore;
import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.PromptKey;
import dev.genie.persistence.PromptStoreContract;
import dev.genie.persistence.StoredPrompt;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Writes the journal fixture of the upgrade test with the journal store, and its state. */
public final class JournalFixtureWriter {
  private static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456Z");

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String chatProfile =
        "{\"generator\":\"openai\",\"model\":\"gpt-test\",\"outputMode\":\"chat\",\"temperature\":0}";
    String chatProfileId = PromptKey.sha256Hex(chatProfile);
    try (LegacyPromptStore store = LegacyPromptStore.open(new LegacyStoreSettings(dir))) {
      Claim done =
          store.claim(PromptStoreContract.prompt("completed", " completed "), terms("a", T0));
      store.complete(
          done.lease().orElseThrow(),
          "{\"version\":1,\"pages\":[{\"id\":\"p1\",\"title\":\"Ünïcödé ✓ 😀\",\"blocks\":"
              + "[{\"type\":\"text\",\"content\":\"tab\\tline\\nquote\\\" \\u0000 end\"}]}],"
              + "\"metadata\":{\"model\":\"genie-sample-1\",\"generatedAt\":\"2026-03-01T10:15:31Z\"}}",
          T0.plusSeconds(1));
      Claim failed =
          store.claim(PromptStoreContract.prompt("failed"), terms("a", T0.plusSeconds(2)));
      store.fail(failed.lease().orElseThrow(), "generator said no", T0.plusSeconds(3));
      Claim upstream =
          store.claim(PromptStoreContract.prompt("rate limited"), terms("a", T0.plusSeconds(4)));
      store.fail(
          upstream.lease().orElseThrow(),
          new Failure("the model's endpoint answered 429", 429, Duration.ofSeconds(7)),
          T0.plusSeconds(5));
      Claim released =
          store.claim(PromptStoreContract.prompt("released"), terms("a", T0.plusSeconds(6)));
      store.release(released.lease().orElseThrow(), T0.plusSeconds(7));
      Claim expired =
          store.claim(PromptStoreContract.prompt("taken over"), terms("a", T0.plusSeconds(8)));
      Fence taken =
          store
              .takeOver(expired.lease().orElseThrow(), terms("b", T0.plusSeconds(100)))
              .orElseThrow()
              .lease()
              .orElseThrow();
      store.renew(taken, terms("b", T0.plusSeconds(110)));
      Claim retried =
          store.claim(PromptStoreContract.prompt("retried"), terms("a", T0.plusSeconds(9)));
      store.fail(retried.lease().orElseThrow(), "first try failed", T0.plusSeconds(10));
      Fence second =
          store
              .takeOver(retried.state().result().fence(), terms("c", T0.plusSeconds(11)))
              .orElseThrow()
              .lease()
              .orElseThrow();
      store.complete(second, "{\"version\":1,\"pages\":[],\"metadata\":{}}", T0.plusSeconds(12));
      store.claim(
          PromptStoreContract.prompt("pending at the crash"), terms("d", T0.plusSeconds(13)));
      Claim team =
          store.claim(
              PromptStoreContract.inNamespace("team-a", "completed"),
              terms("e", T0.plusSeconds(14)));
      store.complete(
          team.lease().orElseThrow(), "{\"version\":1,\"team\":\"a\"}", T0.plusSeconds(15));
      Claim chat =
          store.claim(
              new NewPrompt(
                  PromptKey.of(chatProfileId, "user: hello"),
                  "user: hello",
                  "user: hello",
                  1,
                  chatProfileId,
                  chatProfile),
              terms("f", T0.plusSeconds(16)));
      store.complete(
          chat.lease().orElseThrow(), "{\"chat\":{\"content\":\"hi there\"}}", T0.plusSeconds(17));

      KeyStore keys = store.keys().orElseThrow();
      keys.create(
          new ApiKey("alice", "default", 0, 0, false, T0, null, null), hash("alice-secret"));
      keys.create(
          new ApiKey("bob", "team-a", 5, 1000, true, T0.plusSeconds(1), null, null),
          hash("bob-secret"));
      keys.touch("alice", T0.plusSeconds(60));
      keys.charge("alice", LocalDate.of(2026, 3, 1), 120);
      keys.charge("alice", LocalDate.of(2026, 3, 1), 30);
      keys.charge("alice", LocalDate.of(2026, 3, 2), 7);
      keys.charge("bob", LocalDate.of(2026, 3, 1), 999);
      keys.revoke("bob", T0.plusSeconds(120));
    }
    // The state as today's store reads it back after a restart: what an import must reproduce.
    List<String> expected = new ArrayList<>();
    try (LegacyPromptStore store = LegacyPromptStore.open(new LegacyStoreSettings(dir))) {
      for (String ns : List.of("default", "team-a")) {
        for (StoredPrompt s : store.list(ns, 100, Optional.empty()).items()) {
          expected.add("prompt " + s.prompt());
          expected.add("result " + s.result());
        }
      }
      KeyStore keys = store.keys().orElseThrow();
      for (ApiKey k : keys.list()) {
        expected.add("key " + k);
      }
      for (String name : List.of("alice", "bob")) {
        for (int day = 1; day <= 2; day++) {
          expected.add(
              "spent "
                  + name
                  + " 2026-03-0"
                  + day
                  + " "
                  + keys.spent(name, LocalDate.of(2026, 3, day)));
        }
      }
      expected.add("found alice " + keys.findByHash(hash("alice-secret")).map(ApiKey::name));
      expected.add("found bob " + keys.findByHash(hash("bob-secret")).map(ApiKey::name));
    }
    Files.write(dir.resolve("expected.txt"), expected, StandardCharsets.UTF_8);
  }

  private static LeaseTerms terms(String owner, Instant now) {
    return new LeaseTerms(owner, now, Duration.ofSeconds(30), 3);
  }

  private static byte[] hash(String key) {
    return java.util.HexFormat.of().parseHex(PromptKey.sha256Hex(key));
  }
}
