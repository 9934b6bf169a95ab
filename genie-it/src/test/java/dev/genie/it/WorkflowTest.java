package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.it.support.Artifacts;
import dev.genie.it.support.GuideExample;
import dev.genie.it.support.ServerLog;
import dev.genie.persistence.sql.DatabaseUrl;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code .github/workflows/genie-concurrency.yml} stays valid YAML with the steps users rely on: a
 * {@code postgres:16} service with a readiness check, Java 17, the build, {@code migrate}, the one
 * concurrency test with the database required, and the evidence uploaded on failure.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WorkflowTest {
  static final Path WORKFLOW = Path.of(".github", "workflows", "genie-concurrency.yml");

  private Map<String, Object> workflow;
  private Map<String, Object> job;
  private List<Map<String, Object>> steps;

  @BeforeEach
  void read() throws Exception {
    String text =
        Files.readString(GuideExample.projectRoot().resolve(WORKFLOW), StandardCharsets.UTF_8);
    workflow = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    // YAML 1.1 reads the key 'on' as the boolean true; GitHub reads it as the string.
    assertThat(workflow.containsKey("on") || workflow.containsKey(Boolean.TRUE))
        .as("triggers")
        .isTrue();
    Map<String, Object> jobs = map(workflow, "jobs");
    assertThat(jobs).hasSize(1);
    job = map(jobs, jobs.keySet().iterator().next());
    steps = list(job, "steps");
  }

  @Test
  void postgres16RunsAsAServiceThatIsReadyBeforeTheSteps() {
    Map<String, Object> postgres = map(map(job, "services"), "postgres");

    assertThat(postgres.get("image")).isEqualTo("postgres:16");
    assertThat(String.valueOf(postgres.get("options")))
        .contains("--health-cmd")
        .contains("pg_isready")
        .contains("--health-retries");
    assertThat(list(postgres, "ports")).contains("5432:5432");
  }

  @Test
  void theDatabaseUrlNamesTheServiceAndTheDatabaseIsRequired() {
    Map<String, Object> env = map(job, "env");
    Map<String, Object> service = map(map(map(job, "services"), "postgres"), "env");
    DatabaseUrl url = DatabaseUrl.parse(String.valueOf(env.get("DATABASE_URL")));

    assertThat(url.host()).isEqualTo("127.0.0.1");
    assertThat(url.port()).isEqualTo(5432);
    assertThat(url.user()).isEqualTo(service.get("POSTGRES_USER"));
    assertThat(url.password()).contains(String.valueOf(service.get("POSTGRES_PASSWORD")));
    assertThat(url.database()).isEqualTo(service.get("POSTGRES_DB"));
    assertThat(env.get("GENIE_REQUIRE_DB")).isEqualTo("1");
  }

  @Test
  void itRunsOncePerChange() {
    Map<String, Object> on = map(workflow, workflow.containsKey("on") ? "on" : Boolean.TRUE);

    assertThat(on).containsKey("pull_request");
    // A push to a pull request's branch would run the job a second time.
    assertThat(list(map(on, "push"), "branches")).containsExactly("main");
  }

  @Test
  void javaIs17() {
    Map<String, Object> setup = step("uses", "actions/setup-java@");

    assertThat(String.valueOf(map(setup, "with").get("java-version"))).isEqualTo("17");
  }

  @Test
  void itBuildsThenMigratesThenRunsTheOneConcurrencyTest() {
    int build = index("run", "mvn -B -DskipTests package");
    int migrate = index("run", "java -jar genie-http/target/genie.jar migrate");
    // Named through the class, so that renaming the test breaks this one.
    int test = index("run", "-Dit.test=" + ConcurrencyIT.class.getSimpleName());

    assertThat(build).isLessThan(migrate);
    assertThat(migrate).isLessThan(test);
    // The database it migrates is the one it then checks, without changing it.
    assertThat(String.valueOf(steps.get(migrate).get("run")))
        .contains("GENIE_MIGRATE=validate java -jar genie-http/target/genie.jar check");
    assertThat(String.valueOf(steps.get(test).get("run")))
        .contains("mvn -B -pl genie-it verify")
        .contains("-Dtest=none");
  }

  @Test
  void theEvidenceIsUploadedOnFailure() {
    int test = index("run", "-Dit.test=ConcurrencyIT");
    int upload = index("uses", "actions/upload-artifact@");
    Map<String, Object> step = steps.get(upload);

    assertThat(upload).isGreaterThan(test);
    assertThat(step.get("if")).isEqualTo("failure()");
    assertThat(map(step, "with").get("if-no-files-found")).isEqualTo("error");
    // The suite's own names for what it leaves, so that renaming one breaks this test.
    assertThat(String.valueOf(map(step, "with").get("path")).lines().map(String::strip))
        .contains(
            "genie-it/" + slashes(Artifacts.baseDirectory()) + "/",
            "genie-it/" + slashes(ServerLog.directory()) + "/",
            "logs/");
  }

  private static String slashes(Path path) {
    return path.toString().replace(File.separatorChar, '/');
  }

  private Map<String, Object> step(String key, String contains) {
    return steps.get(index(key, contains));
  }

  /** The index of the one step whose {@code key} contains {@code text}. */
  private int index(String key, String text) {
    List<Integer> found = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      if (String.valueOf(steps.get(i).get(key)).contains(text)) {
        found.add(i);
      }
    }
    assertThat(found).as("steps whose " + key + " contains '" + text + "'").hasSize(1);
    return found.get(0);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> node, Object key) {
    Object value = node.get(key);
    assertThat(value).as(String.valueOf(key)).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> list(Map<String, Object> node, String key) {
    Object value = node.get(key);
    assertThat(value).as(key).isInstanceOf(List.class);
    return (List<T>) Objects.requireNonNull(value);
  }
}
