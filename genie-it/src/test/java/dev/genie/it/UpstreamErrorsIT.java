package dev.genie.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.generator.openai.FakeOpenAi;
import dev.genie.generator.openai.FakeOpenAi.Reply;
import dev.genie.generator.openai.OpenAiGenerator;
import dev.genie.generator.openai.OpenAiSettings;
import dev.genie.generator.openai.UpstreamListener;
import dev.genie.http.GenieServer;
import dev.genie.it.support.Artifacts;
import dev.genie.it.support.GenieClient;
import dev.genie.it.support.GenieResponse;
import dev.genie.it.support.PostgresExtension;
import dev.genie.it.support.ServerLog;
import dev.genie.it.support.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a model's endpoint says in an error body stays with the operator: callers, on both surfaces,
 * and the stored result get Genie's words and the endpoint's status; the body goes to the server
 * log only, scrubbed of key-like strings. Stored rows are read with plain JDBC.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UpstreamErrorsIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension final Artifacts artifacts = new Artifacts().serverLogs();
  @RegisterExtension final GenieInstances genies = new GenieInstances();

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String MASKED_KEY = "sk-proj-****************WXyz";
  private static final String ORGANISATION = "org-Q7bLk2mZp9XyTr4";
  private static final String INTERNAL_HOST = "llm-gw-07.corp.acme.internal";
  private static final String INTERNAL_ADDRESS = "10.31.4.77";
  private static final String SYSTEM_PROMPT = "Acme house style, never disclose: SYSPROMPT-91c";

  /** What an endpoint may echo in its error bodies, none of which a caller may see. */
  private static final List<String> SECRETS =
      List.of(MASKED_KEY, ORGANISATION, INTERNAL_HOST, INTERNAL_ADDRESS, "SYSPROMPT-91c");

  private FakeOpenAi fake;
  private TestDatabase database;
  private GenieClient client;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeOpenAi();
    database = POSTGRES.server().freshDatabase();
    OpenAiGenerator generator =
        new OpenAiGenerator(
            OpenAiSettings.builder()
                .baseUrl(fake.baseUrl())
                .apiKey("sk-it-not-a-real-key")
                .model(FakeOpenAi.MODEL)
                .systemPrompt(SYSTEM_PROMPT)
                .retries(0)
                .build(),
            UpstreamListener.NONE);
    GenieServer server =
        genies.sql(
            database,
            generator,
            Map.of(
                "GENIE_OPENAI_BASE_URL", fake.baseUrl().toString(),
                "GENIE_OPENAI_API_KEY", "sk-it-not-a-real-key",
                "GENIE_GENERATION_RETRIES", "0"));
    client = new GenieClient(server.uri(), TIMEOUT);
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  /** Bodies as providers send them, echoing a key, an organisation, a host and the prompt. */
  private static Reply hostile(int status) {
    String message =
        switch (status) {
          case 401 ->
              "Incorrect API key provided: "
                  + MASKED_KEY
                  + ". You can find your API key at https://platform.openai.com. Organization: "
                  + ORGANISATION;
          case 400 ->
              "Deployment 'gpt4o-eu-internal' at "
                  + INTERNAL_HOST
                  + " rejected the request: messages[0].content '"
                  + SYSTEM_PROMPT
                  + "' is invalid";
          default ->
              "upstream connect error: " + INTERNAL_HOST + " (" + INTERNAL_ADDRESS + ":8443) reset";
        };
    return Reply.raw(
        status, "{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\"}}");
  }

  @Test
  void errorBodiesReachNeitherCallersNorTheStoreButTheOperatorsLogScrubbed() throws Exception {
    List<GenieResponse> answers = new ArrayList<>();
    for (int status : new int[] {401, 400, 500}) {
      fake.then(hostile(status), hostile(status));
      GenieResponse prompt = client.post("a poem, failing with " + status);
      GenieResponse chat =
          client.post(
              "/v1/chat/completions",
              "application/json",
              "{\"model\":\""
                  + FakeOpenAi.MODEL
                  + "\",\"messages\":[{\"role\":\"user\",\"content\":\"rain "
                  + status
                  + "\"}]}");
      assertThat(prompt.status()).as("%s", prompt).isEqualTo(502);
      assertThat(prompt.body()).contains("HTTP " + status);
      assertThat(chat.status()).as("%s", chat).isBetween(400, 599);
      assertThat(chat.body()).contains("HTTP " + status);
      answers.add(prompt);
      answers.add(chat);
      answers.add(client.get("/prompts/" + prompt.text("promptId")));
    }
    answers.add(client.get("/prompts?limit=50"));
    List<String> stored = storedErrors();
    List<String> log = ServerLog.lines();

    assertThat(fake.calls()).isEqualTo(6);
    assertThat(stored).hasSize(6).allMatch(error -> error.contains("answered HTTP"));
    for (String secret : SECRETS) {
      for (GenieResponse answer : answers) {
        assertThat(answer.body()).as("an answer").doesNotContain(secret);
      }
      assertThat(stored).as("the stored errors").noneMatch(error -> error.contains(secret));
    }
    assertThat(log)
        .as("the operator's log has the bodies")
        .anyMatch(line -> line.contains(INTERNAL_HOST) && line.contains("HTTP 500"))
        .anyMatch(line -> line.contains("Organization") && line.contains("HTTP 401"))
        .noneMatch(line -> line.contains(MASKED_KEY) || line.contains(ORGANISATION));
  }

  /** Every failed result's error, read with plain JDBC. */
  private List<String> storedErrors() throws Exception {
    List<String> errors = new ArrayList<>();
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT error FROM genie_results WHERE error IS NOT NULL")) {
      while (rows.next()) {
        errors.add(rows.getString(1));
      }
    }
    return errors;
  }
}
