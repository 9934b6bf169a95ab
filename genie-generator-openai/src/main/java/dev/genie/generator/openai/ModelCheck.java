package dev.genie.generator.openai;

import java.util.List;

/**
 * What the endpoint said about its models, asked without generating anything.
 *
 * @param model the configured model
 * @param listed whether the endpoint lists it
 * @param listedModels the names the endpoint lists
 */
public record ModelCheck(String model, boolean listed, List<String> listedModels) {
  public ModelCheck {
    listedModels = List.copyOf(listedModels);
  }

  /** How many models the endpoint lists. */
  public int models() {
    return listedModels.size();
  }
}
