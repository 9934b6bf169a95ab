package dev.genie.generator.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genie.core.GeneratorUnavailableException;
import dev.genie.generator.openai.internal.Backoff;
import dev.genie.generator.openai.internal.RejectedReplyException;
import dev.genie.generator.openai.internal.RetryAfterHttpClient;
import dev.genie.generator.openai.internal.UpstreamFailure;
import dev.genie.generator.openai.internal.UpstreamInterruptedException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpMethod;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One OpenAI-compatible endpoint, and the policy of every call to it, shared by every generator
 * that calls it: at most {@code concurrency} calls at once (the others wait their turn, in order);
 * a transient failure (429, 408, 5xx, a timeout, a reset) retried after a jittered, capped pause
 * that is never shorter than the endpoint's {@code Retry-After}; any other failure, and a reply its
 * caller rejects, ending the attempt at once; and a circuit breaker over the transient failures
 * that fails new calls fast with {@link GeneratorUnavailableException} while the endpoint is down.
 */
public final class OpenAiEndpoint {
  private static final Logger log = LoggerFactory.getLogger(OpenAiEndpoint.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final EndpointSettings settings;
  private final Clock clock;
  private final HttpClient client;
  private final CircuitBreaker breaker;
  private final Semaphore calls;
  private final Backoff backoff;
  private volatile long openedAtNanos;

  /** Takes no reply: what a call is given when its listener does not trace. */
  private static final Consumer<UpstreamCall.Reply> UNTRACED = reply -> {};

  /** One call's work: a request, and the reading of its reply. */
  interface Call<T> {
    /**
     * @param replied told what the endpoint answered, when a completion came back, usable or not;
     *     only needed when the listener {@link UpstreamListener#traces}
     * @throws RejectedReplyException when the endpoint answered, but not usably
     */
    T run(Consumer<UpstreamCall.Reply> replied) throws RejectedReplyException;
  }

  /** A model the endpoint offers, as {@code GET /models} lists it. */
  public record Model(String id, long created, String ownedBy) {}

  public OpenAiEndpoint(EndpointSettings settings) {
    this.settings = settings;
    this.clock = Clock.systemUTC();
    this.client =
        transport().connectTimeout(settings.timeout()).readTimeout(settings.timeout()).build();
    this.breaker =
        CircuitBreaker.of(
            "openai",
            CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.breakerMinimumCalls())
                .minimumNumberOfCalls(settings.breakerMinimumCalls())
                .failureRateThreshold(settings.breakerFailureRate())
                .waitDurationInOpenState(settings.breakerOpenFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
    breaker
        .getEventPublisher()
        .onStateTransition(
            event -> {
              CircuitBreaker.State to = event.getStateTransition().getToState();
              if (to == CircuitBreaker.State.OPEN) {
                openedAtNanos = System.nanoTime();
              }
              log.warn(
                  "the model endpoint's circuit breaker is now {}",
                  to.name().toLowerCase(Locale.ROOT));
            });
    this.calls = new Semaphore(settings.concurrency(), true);
    this.backoff =
        new Backoff(
            settings.backoff(),
            settings.maxBackoff(),
            bound -> bound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(bound + 1));
  }

  public EndpointSettings settings() {
    return settings;
  }

  /** {@code closed}, {@code open} or {@code half_open}, as the metrics show it. */
  public String breakerState() {
    return breaker.getState().name().toLowerCase(Locale.ROOT);
  }

  /** A transport for a LangChain4j client of this endpoint: the JDK's, reading Retry-After. */
  RetryAfterHttpClient.Builder transport() {
    return new RetryAfterHttpClient.Builder(clock);
  }

  /**
   * Runs {@code call} under this endpoint's policy, reporting each try to {@code listener}, with
   * what {@code asked} describes when it traces.
   *
   * @throws UpstreamException when it failed, after the retries allowed
   * @throws GeneratorUnavailableException when the breaker refuses new calls
   */
  <T> T call(UpstreamListener listener, Supplier<UpstreamCall.Asked> asked, Call<T> call)
      throws UpstreamException, InterruptedException {
    for (int retry = 0; ; retry++) {
      UpstreamFailure failure;
      try {
        return callOnce(listener, asked, call);
      } catch (FailedCall e) {
        failure = e.failure;
      }
      if (!failure.retryable()) {
        throw new UpstreamException(failure.message(), failure.status(), failure.retryAfter());
      }
      if (retry >= settings.retries()) {
        throw new UpstreamException(
            failure.message()
                + " (after "
                + (retry + 1)
                + (retry == 0 ? " call" : " calls")
                + "; EndpointSettings.retries="
                + settings.retries()
                + ")",
            failure.status(),
            failure.retryAfter());
      }
      Optional<Duration> pause = backoff.before(retry, failure.requestedWait());
      if (pause.isEmpty()) {
        throw new UpstreamException(
            failure.message()
                + " (it asked to retry after "
                + failure.requestedWait().orElseThrow().toSeconds()
                + " s, longer than Genie waits within one attempt)",
            failure.status(),
            failure.retryAfter());
      }
      Thread.sleep(pause.get().toMillis());
    }
  }

  /** One call, within the limit of calls at once and as the breaker permits. */
  private <T> T callOnce(
      UpstreamListener listener, Supplier<UpstreamCall.Asked> asked, Call<T> call)
      throws FailedCall, UpstreamException, InterruptedException {
    calls.acquire();
    try {
      if (!breaker.tryAcquirePermission()) {
        listener.called("unavailable", 0, Duration.ZERO);
        throw unavailable();
      }
      Traced traced = listener.traces() ? new Traced(listener, asked, clock.instant()) : null;
      long started = System.nanoTime();
      T reply;
      try {
        reply = call.run(traced == null ? UNTRACED : traced);
      } catch (RejectedReplyException e) {
        long took = System.nanoTime() - started;
        breaker.onSuccess(took, TimeUnit.NANOSECONDS); // it answered: it is up
        listener.called("rejected", 200, Duration.ofNanos(took));
        if (traced != null) {
          traced.ended("rejected", 200, took);
        }
        throw new UpstreamException(e.getMessage(), e.used());
      } catch (RuntimeException e) {
        if (Thread.interrupted() || causedBy(e, UpstreamInterruptedException.class)) {
          breaker.releasePermission();
          throw new InterruptedException("interrupted while waiting for the endpoint");
        }
        long took = System.nanoTime() - started;
        UpstreamFailure failure = UpstreamFailure.of(e, settings.apiKey(), settings.timeout());
        if (failure.retryable()) {
          breaker.onError(took, TimeUnit.NANOSECONDS, e);
        } else {
          breaker.onSuccess(took, TimeUnit.NANOSECONDS); // it answered: it is up
        }
        listener.called(failure.outcome(), failure.status(), Duration.ofNanos(took));
        if (traced != null) {
          traced.ended(failure.outcome(), failure.status(), took);
        }
        // The endpoint's own words only here, for the operator; callers get the status.
        log.warn(
            "a call to the model's endpoint failed: {}; it said: {}",
            failure.message(),
            failure.detail());
        throw new FailedCall(failure);
      }
      long took = System.nanoTime() - started;
      breaker.onSuccess(took, TimeUnit.NANOSECONDS);
      listener.called("ok", 200, Duration.ofNanos(took));
      if (traced != null) {
        traced.ended("ok", 200, took);
      }
      return reply;
    } finally {
      calls.release();
    }
  }

  /** One call being described for a listener that traces: its reply, once it came. */
  private static final class Traced implements Consumer<UpstreamCall.Reply> {
    private final UpstreamListener listener;
    private final Supplier<UpstreamCall.Asked> asked;
    private final Instant started;
    private UpstreamCall.Reply reply;

    Traced(UpstreamListener listener, Supplier<UpstreamCall.Asked> asked, Instant started) {
      this.listener = listener;
      this.asked = asked;
      this.started = started;
    }

    @Override
    public void accept(UpstreamCall.Reply reply) {
      this.reply = reply;
    }

    void ended(String outcome, int status, long nanos) {
      listener.traced(
          new UpstreamCall(asked.get(), reply, outcome, status, started, Duration.ofNanos(nanos)));
    }
  }

  /** A call that failed; the loop decides whether to retry. */
  private static final class FailedCall extends Exception {
    private final transient UpstreamFailure failure;

    FailedCall(UpstreamFailure failure) {
      super(failure.message(), null, false, false);
      this.failure = failure;
    }
  }

  /** {@code POST {baseUrl}{path}} with a JSON body and the key: one HTTP call, its 2xx reply. */
  SuccessfulHttpResponse post(String path, String json) {
    return client.execute(
        HttpRequest.builder()
            .method(HttpMethod.POST)
            .url(settings.baseUrl() + path)
            .addHeader("Authorization", "Bearer " + settings.apiKey())
            .addHeader("Content-Type", "application/json")
            .addHeader("Accept", "application/json")
            .body(json)
            .build());
  }

  /**
   * The models the endpoint lists ({@code GET /models}), asked once, without generating anything.
   *
   * @throws UpstreamException when it cannot be reached, refuses the key or answers no list
   */
  public List<Model> models() throws UpstreamException {
    try {
      SuccessfulHttpResponse response =
          client.execute(
              HttpRequest.builder()
                  .method(HttpMethod.GET)
                  .url(settings.baseUrl() + "/models")
                  .addHeader("Authorization", "Bearer " + settings.apiKey())
                  .addHeader("Accept", "application/json")
                  .build());
      JsonNode data =
          JSON.readTree(new String(response.bodyBytes(), StandardCharsets.UTF_8)).path("data");
      if (!data.isArray()) {
        throw new IOException("the answer has no data array");
      }
      List<Model> models = new ArrayList<>();
      for (JsonNode model : data) {
        if (model.path("id").isTextual()) {
          models.add(
              new Model(
                  model.path("id").asText(),
                  model.path("created").asLong(0),
                  model.path("owned_by").asText("")));
        }
      }
      return List.copyOf(models);
    } catch (IOException | RuntimeException e) {
      throw new UpstreamException(
          "could not list the models at EndpointSettings.baseUrl="
              + settings.baseUrl()
              + ": "
              + (e instanceof IOException
                  ? "its answer is not a model list"
                  : logged(UpstreamFailure.of(e, settings.apiKey(), settings.timeout()))),
          UpstreamFailure.of(e, settings.apiKey(), settings.timeout()).status(),
          null);
    }
  }

  /** Its message, after logging its detail for the operator. */
  private static String logged(UpstreamFailure failure) {
    log.warn(
        "listing the endpoint's models failed: {}; it said: {}",
        failure.message(),
        failure.detail());
    return failure.message();
  }

  private GeneratorUnavailableException unavailable() {
    Duration retryAfter = Duration.ofSeconds(1);
    if (breaker.getState() == CircuitBreaker.State.OPEN) {
      Duration open = Duration.ofNanos(System.nanoTime() - openedAtNanos);
      Duration left = settings.breakerOpenFor().minus(open);
      if (left.compareTo(retryAfter) > 0) {
        retryAfter = left;
      }
    }
    return new GeneratorUnavailableException(
        "the model's endpoint keeps failing, so Genie takes no new generations for now; completed"
            + " prompts are still served",
        retryAfter);
  }

  private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
