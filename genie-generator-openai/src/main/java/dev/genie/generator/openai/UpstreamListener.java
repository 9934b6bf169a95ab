package dev.genie.generator.openai;

import java.time.Duration;

/**
 * What the openai generator reports of its upstream calls, for metrics and traces. Must return
 * quickly.
 */
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

  /**
   * Whether this listener wants each call described ({@link #traced}): what is read only for it is
   * read only then.
   */
  default boolean traces() {
    return false;
  }

  /**
   * One call that reached the endpoint, described, on the thread that made it, after {@link
   * #called}; only when {@link #traces}.
   */
  default void traced(UpstreamCall call) {}

  /** Both listeners, {@code first} told first. */
  static UpstreamListener both(UpstreamListener first, UpstreamListener second) {
    return new UpstreamListener() {
      @Override
      public void called(String outcome, int status, Duration duration) {
        first.called(outcome, status, duration);
        second.called(outcome, status, duration);
      }

      @Override
      public void tokens(long promptTokens, long completionTokens) {
        first.tokens(promptTokens, completionTokens);
        second.tokens(promptTokens, completionTokens);
      }

      @Override
      public boolean traces() {
        return first.traces() || second.traces();
      }

      @Override
      public void traced(UpstreamCall call) {
        first.traced(call);
        second.traced(call);
      }
    };
  }
}
