package dev.genie.http.internal.metrics;

import dev.genie.generator.openai.UpstreamListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * One surface's upstream calls as metrics ({@code surface}: {@code prompts} for the openai
 * generator's, {@code v1} for the chat generator's): calls by outcome and status, their duration,
 * the tokens the endpoint reported; and the circuit breaker's state, one per endpoint.
 */
public final class MicrometerUpstreamListener implements UpstreamListener {
  private static final List<String> BREAKER_STATES = List.of("closed", "open", "half_open");

  private final MeterRegistry registry;
  private final String surface;
  private final Counter tokensIn;
  private final Counter tokensOut;
  private final Timer callDuration;

  /**
   * @param surface the surface whose generations make the calls: {@code prompts} or {@code v1}
   */
  public MicrometerUpstreamListener(MeterRegistry registry, String surface) {
    this.registry = registry;
    this.surface = surface;
    tokensIn = tokens("in");
    tokensOut = tokens("out");
    callDuration =
        Timer.builder("genie.upstream.call.duration")
            .description("How long calls to the model's endpoint took")
            .tag("surface", surface)
            .register(registry);
  }

  private Counter tokens(String direction) {
    return Counter.builder("genie.upstream.tokens")
        .description("Tokens the model's endpoint reported: in (prompt) and out (completion)")
        .tag("direction", direction)
        .tag("surface", surface)
        .register(registry);
  }

  /** One gauge per state, 1 for the breaker's current one. */
  public static void watchBreaker(MeterRegistry registry, Supplier<String> state) {
    for (String name : BREAKER_STATES) {
      Gauge.builder("genie.upstream.breaker.state", () -> name.equals(state.get()) ? 1 : 0)
          .description("The circuit breaker in front of the model's endpoint: 1 for its state")
          .tag("state", name)
          .register(registry);
    }
  }

  @Override
  public void called(String outcome, int status, Duration duration) {
    Counter.builder("genie.upstream.calls")
        .description("Calls to the model's endpoint by outcome and HTTP status (0: none)")
        .tag("outcome", outcome)
        .tag("status", Integer.toString(status))
        .tag("surface", surface)
        .register(registry)
        .increment();
    if (!"unavailable".equals(outcome)) {
      callDuration.record(duration);
    }
  }

  @Override
  public void tokens(long promptTokens, long completionTokens) {
    tokensIn.increment(promptTokens);
    tokensOut.increment(completionTokens);
  }
}
