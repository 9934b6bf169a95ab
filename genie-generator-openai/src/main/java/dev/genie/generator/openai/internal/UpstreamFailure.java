package dev.genie.generator.openai.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.exception.TimeoutException;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What went wrong with one upstream call, classified once: whether a retry may help, a message in
 * Genie's own words fit for a caller and for the stored result (the status, never the endpoint's
 * text: an error body may echo a masked key, an organisation, an internal host or the system
 * prompt), and the endpoint's own words for the operator's log, scrubbed of key-like strings.
 *
 * @param outcome the metric label: rate_limited, server_error, client_error, timeout, network,
 *     refused or malformed
 * @param status the HTTP status, or 0 when none came back
 * @param retryable whether the same call may succeed later: 429, 408, 5xx, timeouts, resets
 * @param message Genie's words: what failed and the status
 * @param detail what the endpoint or the transport said, scrubbed, for the operator's log only
 */
public record UpstreamFailure(
    String outcome,
    int status,
    boolean retryable,
    Duration retryAfter,
    String message,
    String detail) {
  private static final int MAX_BODY_CHARS = 300;

  /**
   * Strings that look like credentials: OpenAI-style keys (masked or not), bearer tokens, Google
   * API keys, organisation and project ids, and long runs of key alphabet.
   */
  private static final Pattern KEY_LIKE =
      Pattern.compile(
          "(?i)\\b(?:sk|rk|pk)-[A-Za-z0-9_*.\\-]{3,}"
              + "|(?i)bearer\\s+\\S+"
              + "|\\bAIza[0-9A-Za-z_\\-]{10,}"
              + "|(?i)\\b(?:org|proj)[-_][A-Za-z0-9]{6,}"
              + "|[A-Za-z0-9_\\-]{32,}");

  public Optional<Duration> requestedWait() {
    return Optional.ofNullable(retryAfter);
  }

  /**
   * @param timeout the per-call timeout, named in the message of a timeout
   */
  public static UpstreamFailure of(Throwable failure, String apiKey, Duration timeout) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof UpstreamHttpException http) {
        int status = http.statusCode();
        String outcome =
            status == 429
                ? "rate_limited"
                : status == 408 ? "timeout" : status >= 500 ? "server_error" : "client_error";
        boolean retryable = status == 429 || status == 408 || status >= 500;
        return new UpstreamFailure(
            outcome,
            status,
            retryable,
            http.retryAfter().orElse(null),
            "the endpoint answered HTTP " + status,
            scrub(http.getMessage(), apiKey));
      }
      if (t instanceof TimeoutException || t instanceof HttpTimeoutException) {
        String message =
            "the endpoint did not answer within "
                + timeout.toMillis()
                + " ms (EndpointSettings.timeout)";
        return new UpstreamFailure("timeout", 0, true, null, message, message);
      }
      if (t instanceof ContentFilteredException) {
        return new UpstreamFailure(
            "refused", 200, false, null, "the model refused", scrub(t.getMessage(), apiKey));
      }
      if (t instanceof JsonProcessingException) {
        break; // an IOException too, but the endpoint answered: its reply is malformed
      }
      if (t instanceof IOException) {
        return new UpstreamFailure(
            "network",
            0,
            true,
            null,
            "could not reach the endpoint (" + t.getClass().getSimpleName() + ")",
            scrub(String.valueOf(t.getMessage()), apiKey));
      }
    }
    return new UpstreamFailure(
        "malformed",
        200,
        false,
        null,
        "the endpoint's reply could not be read",
        scrub(String.valueOf(failure), apiKey));
  }

  /**
   * The text without the API key or anything key-like, on one line, cut to a length fit for a log
   * line.
   */
  public static String scrub(String text, String apiKey) {
    if (text == null) {
      return "";
    }
    String clean = apiKey.isEmpty() ? text : text.replace(apiKey, "[redacted]");
    clean = KEY_LIKE.matcher(clean).replaceAll("[redacted]");
    clean = clean.strip().replaceAll("[\\s\\p{Cc}]+", " ");
    return clean.length() <= MAX_BODY_CHARS ? clean : clean.substring(0, MAX_BODY_CHARS) + "…";
  }
}
