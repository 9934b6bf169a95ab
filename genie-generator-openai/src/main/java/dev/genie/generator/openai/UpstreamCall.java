package dev.genie.generator.openai;

import dev.genie.core.generate.Usage;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One call to the model's endpoint as a trace shows it: what was asked, what came back, and how it
 * ended; what the GenAI semantic conventions' client span of a chat call carries.
 *
 * @param reply what the endpoint answered, or null when no completion came back
 * @param outcome as {@link UpstreamListener#called} names it: {@code ok}, {@code rejected}, {@code
 *     rate_limited}, …
 * @param status the HTTP status, or 0 when none came back
 * @param started when the call started
 */
public record UpstreamCall(
    Asked asked, Reply reply, String outcome, int status, Instant started, Duration duration) {

  /**
   * What a call asked for.
   *
   * @param model the model asked for, or null when the request named none
   * @param temperature the temperature asked for, or null when not given
   * @param maxTokens the most output tokens asked for, or null when not given
   * @param endpoint the endpoint called, whose host and port the trace shows
   */
  public record Asked(String model, Double temperature, Long maxTokens, URI endpoint) {}

  /**
   * What came back of a call that answered with a completion, usable or not.
   *
   * @param id the completion's id, or null
   * @param model the model that answered, as the endpoint named it, or null
   * @param finishReasons why each choice stopped, as the endpoint said it
   * @param usage the tokens the endpoint reported, or null
   */
  public record Reply(String id, String model, List<String> finishReasons, Usage usage) {
    public Reply {
      finishReasons = List.copyOf(finishReasons);
    }
  }
}
