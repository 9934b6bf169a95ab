package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import dev.genie.core.generate.SampleGenerator;
import dev.genie.generator.openai.FakeOpenAi;
import dev.genie.generator.openai.FakeOpenAi.Reply;
import dev.genie.http.GenieServer;
import dev.genie.it.support.GuideExample;
import dev.genie.it.support.PostgresExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java example of the OpenAI-compatible surface, five lines as a reader copies them,
 * compiled against the OpenAI Java SDK alone and run against Genie (its base URL the only change),
 * in front of a fake model endpoint.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OpenAiReadmeExampleIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension final GenieInstances genies = new GenieInstances();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String README_HEADING = "## Use it from the OpenAI SDKs";

  private FakeOpenAi fake;
  private GenieServer genie;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeOpenAi();
    genie =
        genies.sql(
            POSTGRES.server().freshDatabase(),
            new SampleGenerator(Duration.ZERO),
            Map.of(
                "GENIE_OPENAI_BASE_URL",
                fake.baseUrl().toString(),
                "GENIE_OPENAI_API_KEY",
                "sk-upstream-it-not-real"));
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void theReadmesJavaExampleCompilesAndAsksThroughGenie(@TempDir Path workDir) throws Exception {
    String statements =
        GuideExample.block("README.md", README_HEADING, "java")
            .replace("http://127.0.0.1:8080/v1", genie.uri() + "/v1");
    GuideExample example =
        GuideExample.of(
            "import com.openai.client.OpenAIClient;\n"
                + "import com.openai.client.okhttp.OpenAIOkHttpClient;\n"
                + "import com.openai.models.chat.completions.ChatCompletion;\n"
                + "import com.openai.models.chat.completions.ChatCompletionCreateParams;\n"
                + "public class ReadmeExample {\n"
                + "  public static void main(String[] args) {\n"
                + statements
                + "  }\n"
                + "}\n");
    Class<?> compiled =
        example.compile(
            workDir,
            OpenAIOkHttpClient.class,
            OpenAIClient.class,
            ChatCompletion.class,
            kotlin.Unit.class);
    fake.then(Reply.text("Rain taps the tin"));

    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream console = System.out;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      compiled.getMethod("main", String[].class).invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(console);
    }

    assertThat(printed.toString(StandardCharsets.UTF_8).strip()).isEqualTo("Rain taps the tin");
    assertThat(statements.lines()).as("five lines").hasSize(5);
    assertThat(JSON.readTree(fake.bodies().get(0)).path("messages").get(0).path("content").asText())
        .isEqualTo("Write a haiku about rain");
  }
}
