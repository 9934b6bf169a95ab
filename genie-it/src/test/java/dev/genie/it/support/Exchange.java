package dev.genie.it.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Objects;

/**
 * One request of a {@link History} and what came back. Fields read from the response are null when
 * there was no response or the body did not carry them.
 *
 * @param seq the order in which requests were started, from 1
 * @param client the index of the client (burst task) that sent it
 * @param thread the name of the thread that sent it
 * @param rawPrompt the prompt as sent, before any normalization
 * @param invokeNanos when the request was started, relative to the history's start
 * @param completeNanos when the response or failure arrived, relative to the history's start
 * @param outcome whether a response arrived
 * @param failure exception class and message when the outcome is not OK
 * @param httpStatus the HTTP status, or -1 without a response
 * @param genieStorage the {@code Genie-Storage} header
 * @param requestId the {@code X-Request-Id} header
 * @param location the {@code Location} header
 * @param promptId {@code promptId} of the body
 * @param resultId {@code resultId} of the body
 * @param resultStatus {@code status} of the body: pending, completed or failed
 * @param normalizedPrompt {@code normalizedPrompt} of the body
 * @param envelope {@code envelope} of the body, exactly as the server wrote it
 * @param errorCode {@code error.code} of an error body
 * @param genieCache the {@code Genie-Cache} header: hit, miss or coalesced
 */
public record Exchange(
    long seq,
    int client,
    String thread,
    String rawPrompt,
    long invokeNanos,
    long completeNanos,
    Outcome outcome,
    String failure,
    int httpStatus,
    String genieStorage,
    String requestId,
    String location,
    String promptId,
    String resultId,
    String resultStatus,
    String normalizedPrompt,
    String envelope,
    String errorCode,
    String genieCache) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Whether a response arrived. */
  public enum Outcome {
    OK,
    ERROR,
    TIMEOUT
  }

  public double latencyMs() {
    return (completeNanos - invokeNanos) / 1_000_000.0;
  }

  /** A response with a 2xx status. */
  public boolean isSuccess() {
    return outcome == Outcome.OK && httpStatus >= 200 && httpStatus < 300;
  }

  /** A 2xx response that reports the result completed. */
  public boolean isCompleted() {
    return isSuccess() && "completed".equals(resultStatus);
  }

  /**
   * Whether this response's envelope and a stored one are the same JSON value. Stores may
   * re-serialize, so this compares values; responses among themselves are compared byte for byte.
   */
  public boolean envelopeMatches(String storedEnvelope) {
    if (Objects.equals(envelope, storedEnvelope)) {
      return true;
    }
    if (envelope == null || storedEnvelope == null) {
      return false;
    }
    try {
      return JSON.readTree(envelope).equals(JSON.readTree(storedEnvelope));
    } catch (IOException e) {
      return false;
    }
  }
}
