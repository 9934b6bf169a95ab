package dev.genie.generator.openai;

import java.time.Duration;

/** What the openai generator reports of its upstream calls, for metrics. Must return quickly. */
public interface UpstreamListener {
  UpstreamListener NONE = new UpstreamListener() {};

  /**
   * One call to the endpoint ended, or was refused before it started.
   *
   * @param outcome ok, rejected (answered, but not with usable pages), rate_limited, server_error,
   *     client_error, timeout, network, refused, malformed, or unavailable (the breaker refused it)
   * @param status the HTTP status, or 0 when none came back
   */
  default void called(String outcome, int status, Duration duration) {}

  /** Tokens the endpoint reported for one call, answered usefully or not. */
  default void tokens(long promptTokens, long completionTokens) {}
}
