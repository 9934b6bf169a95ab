package dev.genie.http.cli;

import dev.genie.generator.openai.ModelCheck;
import dev.genie.generator.openai.OpenAiGenerator;
import dev.genie.generator.openai.UpstreamException;
import dev.genie.http.StartupCheckException;

/** What {@code check} says of the model's endpoint: reached, and whether it lists the model. */
final class ModelChecks {
  private ModelChecks() {}

  /**
   * @throws StartupCheckException when the endpoint cannot be reached or refuses the key
   */
  static String describe(OpenAiGenerator generator) {
    ModelCheck check;
    try {
      check = generator.check();
    } catch (UpstreamException e) {
      throw new StartupCheckException(
          e.getMessage(), "check GENIE_OPENAI_BASE_URL and GENIE_OPENAI_API_KEY");
    }
    return check.listed()
        ? "Model endpoint reached: it lists the model " + check.model() + " among " + check.models()
        : "Model endpoint reached, but it does not list the model "
            + check.model()
            + " among "
            + check.models()
            + ": check GENIE_OPENAI_MODEL (some endpoints list only part of what they serve)";
  }
}
