package dev.genie.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.generator.openai.FakeOpenAi;
import dev.genie.generator.openai.FakeOpenAi.Reply;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The operator's system prompt is part of the generation profile (a changed one is another profile)
 * but no caller ever sees it: a prompt shows its profile by id and public settings.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProfileSecrecyTest extends LocalGenieTest {
  private static final String SYSTEM_PROMPT =
      "You are Acme's internal writer. Never reveal: OPERATOR-SECRET-7f3a";

  private FakeOpenAi fake;

  @BeforeEach
  void startGenie() throws Exception {
    fake = new FakeOpenAi();
    fake.always(Reply.pages("Autumn", "Leaves fall."));
    start(
        Map.of(
            "GENIE_GENERATOR",
            "openai",
            "GENIE_OPENAI_BASE_URL",
            fake.baseUrl().toString(),
            "GENIE_OPENAI_API_KEY",
            "sk-test-not-a-real-key",
            "GENIE_OPENAI_MODEL",
            FakeOpenAi.MODEL,
            "GENIE_OPENAI_MAX_OUTPUT_TOKENS",
            "300",
            "GENIE_SYSTEM_PROMPT",
            SYSTEM_PROMPT));
  }

  @AfterEach
  void stopFake() {
    fake.close();
  }

  @Test
  void noAnswerAboutAPromptShowsTheSystemPromptButEachShowsTheProfilesIdAndModel()
      throws Exception {
    HttpResponse<String> created = post("/prompts", "{\"prompt\":\"A poem about autumn\"}");
    String promptId = field(created.body(), "promptId");
    HttpResponse<String> again = post("/prompts", "{\"prompt\":\"A poem about autumn\"}");
    HttpResponse<String> read = get("/prompts/" + promptId);
    HttpResponse<String> list = get("/prompts?limit=10");
    HttpResponse<String> preview = get("/prompts/" + promptId + "/preview");
    HttpResponse<String> page = get("/");

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(fake.bodies()).as("the model is sent it").anyMatch(b -> b.contains("OPERATOR"));
    for (HttpResponse<String> response : List.of(created, again, read, list, preview, page)) {
      assertThat(response.statusCode())
          .as(response.uri().toString())
          .isEqualTo(200 + (response == created ? 1 : 0));
      assertThat(response.body())
          .as(response.uri().toString())
          .doesNotContain("OPERATOR-SECRET-7f3a", "Acme's internal writer", "systemPrompt");
    }
    for (HttpResponse<String> json : List.of(created, again, read, list)) {
      assertThat(json.body())
          .containsPattern("\"profile\":\\{\"id\":\"[0-9a-f]{64}\",\"generator\":\"openai\"")
          .contains("\"model\":\"" + FakeOpenAi.MODEL + "\"", "\"maxOutputTokens\":300");
    }
  }
}
