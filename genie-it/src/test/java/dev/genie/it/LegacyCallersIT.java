package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.http.GenieServer;
import dev.genie.it.support.Artifacts;
import dev.genie.it.support.CliRun;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys and namespaces on the legacy store: made with the jar's own {@code keys} command while no
 * server has the directory open, refused with a clear message while one does.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LegacyCallersIT {
  @RegisterExtension final Artifacts artifacts = new Artifacts().serverLogs();
  @RegisterExtension final GenieInstances genies = new GenieInstances();

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Map<String, String> KEYS_ON = Map.of("GENIE_AUTH", "keys");

  @TempDir Path dataDir;

  private CliRun keys(String... args) {
    String[] command = new String[args.length + 1];
    command[0] = "keys";
    System.arraycopy(args, 0, command, 1, args.length);
    return CliRun.of(
        Map.of("GENIE_STORAGE", "legacy", "GENIE_DATA_DIR", dataDir.toString()), command);
  }

  @Test
  void keysMadeBeforeTheServerStartsAreServedAndNamespacesShareNothing() throws Exception {
    CliRun a = keys("create", "--name", "a", "--namespace", "team-a");
    CliRun b = keys("create", "--name", "b", "--namespace", "team-b");
    assertThat(a.status()).as("%s", a).isZero();
    assertThat(b.status()).as("%s", b).isZero();
    String keyA = a.lastLine();
    String keyB = b.lastLine();
    CountingGenerator generator = CountingGenerator.sample(Duration.ZERO);
    GenieServer genie = genies.legacy(dataDir, generator, KEYS_ON);

    GenieResponse none = new GenieClient(genie.uri(), TIMEOUT, null).post("The same text");
    GenieResponse byA = new GenieClient(genie.uri(), TIMEOUT, keyA).post("The same text");
    GenieResponse byB = new GenieClient(genie.uri(), TIMEOUT, keyB).post("The same text");

    assertThat(none.status()).isEqualTo(401);
    assertThat(byA.status()).as("%s", byA).isEqualTo(201);
    assertThat(byB.status()).as("%s", byB).isEqualTo(201);
    String idA = byA.text("promptId");
    String idB = byB.text("promptId");
    assertThat(idA).isNotEqualTo(idB);
    assertThat(generator.calls()).isEqualTo(2);
    GenieClient clientA = new GenieClient(genie.uri(), TIMEOUT, keyA);
    assertThat(clientA.get("/prompts/" + idB).status()).isEqualTo(404);
    assertThat(clientA.get("/prompts/" + idB + "/preview").status()).isEqualTo(404);
    assertThat(clientA.get("/prompts/" + idA + "/preview").status()).isEqualTo(200);
    assertThat(clientA.get("/prompts").body()).contains(idA).doesNotContain(idB);
    assertThat(new GenieClient(genie.uri(), TIMEOUT, keyB).get("/prompts").body())
        .contains(idB)
        .doesNotContain(idA);
  }

  @Test
  void keysCannotBeManagedWhileAServerHasTheDirectoryOpenAndRevocationHoldsAfterARestart()
      throws Exception {
    String key = keys("create", "--name", "alice").lastLine();
    GenieServer genie = genies.legacy(dataDir, CountingGenerator.sample(Duration.ZERO), KEYS_ON);
    assertThat(new GenieClient(genie.uri(), TIMEOUT, key).post("a poem").status()).isEqualTo(201);

    CliRun busy = keys("revoke", "alice");

    assertThat(busy.status()).isEqualTo(78);
    assertThat(busy.err())
        .contains("is open in another Genie process")
        .contains("stop the Genie serving from that directory");
    genie.stop();

    CliRun listed = keys("list");
    CliRun revoked = keys("revoke", "alice");
    GenieServer again = genies.legacy(dataDir, CountingGenerator.sample(Duration.ZERO), KEYS_ON);
    GenieResponse refused = new GenieClient(again.uri(), TIMEOUT, key).get("/prompts");

    assertThat(listed.out()).contains("alice\tdefault").doesNotContain(key);
    String[] alice =
        listed
            .out()
            .lines()
            .filter(l -> l.startsWith("alice\t"))
            .findFirst()
            .orElseThrow()
            .split("\t");
    assertThat(alice[6]).as("last used, kept in the journal").isNotEqualTo("-");
    assertThat(revoked.status()).as("%s", revoked).isZero();
    assertThat(refused.status()).isEqualTo(401);
  }
}
