package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.TestDatabase;
import dev.genie.persistence.Claim;
import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.StoreException;
import dev.genie.persistence.sql.DatabaseUrl;
import dev.genie.persistence.sql.SqlPromptStore;
import dev.genie.persistence.sql.SqlStoreSettings;
import dev.genie.persistence.sql.internal.StorePool;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A claim of a prompt this instance has seen completed is answered from memory, with what the
 * database holds; anything not completed still goes to the database.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompletedPromptsIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  private static final String ENVELOPE = "{\"version\":1,\"pages\":[]}";

  @Test
  void aCompletedPromptIsClaimedFromMemoryAndNothingElseIs() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    LeaseTerms terms = new LeaseTerms("owner", now, Duration.ofMinutes(1), 3);
    NewPrompt done = prompt("a completed prompt");
    NewPrompt pending = prompt("a pending prompt");
    SqlPromptStore store = open(16);
    Claim first = store.claim(done, terms);
    store.complete(first.lease().orElseThrow(), ENVELOPE, now);
    Claim fromDatabase = store.claim(done, terms);
    store.claim(pending, terms);

    StorePool.of(store).close(); // from here on, only memory can answer
    Claim fromMemory = store.claim(done, terms);

    assertThat(fromDatabase.lease()).isEmpty();
    assertThat(fromMemory.lease()).isEmpty();
    assertThat(fromMemory.state()).isEqualTo(fromDatabase.state());
    assertThat(fromMemory.state().result().envelope()).isEqualTo(ENVELOPE);
    assertThatThrownBy(() -> store.claim(pending, terms)).isInstanceOf(StoreException.class);
    store.close();
  }

  @Test
  void withNoMemoryEveryClaimAsksTheDatabase() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    LeaseTerms terms = new LeaseTerms("owner", now, Duration.ofMinutes(1), 3);
    NewPrompt done = prompt("a completed prompt");
    SqlPromptStore store = open(0);
    Claim first = store.claim(done, terms);
    store.complete(first.lease().orElseThrow(), ENVELOPE, now);
    store.claim(done, terms);

    StorePool.of(store).close();

    assertThatThrownBy(() -> store.claim(done, terms)).isInstanceOf(StoreException.class);
    store.close();
  }

  private static SqlPromptStore open(int completedCacheMegabytes) {
    TestDatabase database = POSTGRES.server().freshDatabase();
    return SqlPromptStore.open(
        SqlStoreSettings.builder(DatabaseUrl.parse(database.databaseUrl()))
            .poolSize(2)
            .completedCacheMegabytes(completedCacheMegabytes)
            .build());
  }

  private static NewPrompt prompt(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return new NewPrompt(HexFormat.of().formatHex(digest), text, text, 1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
