package dev.genie.http.cli;

import dev.genie.generator.openai.ModelCheck;
import dev.genie.generator.openai.OpenAiGenerator;
import dev.genie.generator.openai.UpstreamException;
import dev.genie.http.StartupCheckException;
import java.util.List;

/** What {@code check} says of the model's endpoint: reached, and listing the model. */
final class ModelChecks {
  /** How many of the endpoint's models a refusal names, as examples. */
  private static final int EXAMPLES = 10;

  private ModelChecks() {}

  /**
   * @throws StartupCheckException when the endpoint cannot be reached, refuses the key, or does not
   *     list the model
   */
  static String describe(OpenAiGenerator generator) {
    ModelCheck check;
    try {
      check = generator.check();
    } catch (UpstreamException e) {
      throw new StartupCheckException(
          e.getMessage(), "check GENIE_OPENAI_BASE_URL and GENIE_OPENAI_API_KEY");
    }
    if (!check.listed()) {
      List<String> names = check.listedModels();
      throw new StartupCheckException(
          "the endpoint at GENIE_OPENAI_BASE_URL does not list the model GENIE_OPENAI_MODEL="
              + check.model()
              + " among its "
              + names.size()
              + " models"
              + (names.isEmpty() ? "" : " (" + examples(names) + ")"),
          "set GENIE_OPENAI_MODEL to a model the endpoint lists");
    }
    return "Model endpoint reached: it lists the model "
        + check.model()
        + " among "
        + check.models();
  }

  private static String examples(List<String> names) {
    return names.size() <= EXAMPLES
        ? String.join(", ", names)
        : String.join(", ", names.subList(0, EXAMPLES)) + ", …";
  }
}
