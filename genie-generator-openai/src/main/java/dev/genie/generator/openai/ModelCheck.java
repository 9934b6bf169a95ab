package dev.genie.generator.openai;

/**
 * What the endpoint said about its models, asked without generating anything.
 *
 * @param model the configured model
 * @param listed whether the endpoint lists it
 * @param models how many models it lists
 */
public record ModelCheck(String model, boolean listed, int models) {}
