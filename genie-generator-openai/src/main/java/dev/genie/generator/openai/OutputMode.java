package dev.genie.generator.openai;

/** How the model is asked for its answer; part of the generation profile. */
public enum OutputMode {
  /** The envelope's pages as JSON under a strict JSON schema (OpenAI, Gemini, Ollama, vLLM). */
  JSON_SCHEMA("json_schema"),
  /** Plain text, made into one page: the first line is the title, paragraphs are text blocks. */
  TEXT("text");

  private final String wireName;

  OutputMode(String wireName) {
    this.wireName = wireName;
  }

  /** The name in configuration ({@link OpenAiSettings#outputMode()}) and in the profile. */
  public String wireName() {
    return wireName;
  }

  /**
   * @throws IllegalArgumentException naming the accepted values
   */
  public static OutputMode fromWireName(String name) {
    for (OutputMode mode : values()) {
      if (mode.wireName.equals(name)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "OpenAiSettings.outputMode is '" + name + "', which is not json_schema or text");
  }
}
