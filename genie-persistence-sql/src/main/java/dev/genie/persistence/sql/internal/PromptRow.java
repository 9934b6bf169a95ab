package dev.genie.persistence.sql.internal;

import dev.genie.persistence.Prompt;
import dev.genie.persistence.Result;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.StoredPrompt;
import java.time.Duration;
import java.time.Instant;

/** One row of a prompt joined with its result, as the mapper returns it. */
public final class PromptRow {
  public boolean created;
  public String promptId;
  public String promptKey;
  public String rawText;
  public String normalizedText;
  public int normalizerVersion;
  public Instant promptCreatedAt;
  public String profileId;
  public String profile;
  public String namespace;
  public String resultId;
  public String status;
  public String envelope;
  public String error;
  public int attempts;
  public String leaseOwner;
  public Instant leaseExpiresAt;
  public long fencingToken;
  public Instant resultCreatedAt;
  public Instant updatedAt;
  public Instant completedAt;
  public Integer upstreamStatus;
  public Long retryAfterMs;

  public StoredPrompt toStoredPrompt() {
    Prompt prompt =
        new Prompt(
            promptId,
            promptKey,
            rawText,
            normalizedText,
            normalizerVersion,
            promptCreatedAt,
            profileId,
            profile,
            namespace);
    return new StoredPrompt(prompt, toResult());
  }

  public Result toResult() {
    return new Result(
        resultId,
        promptId,
        ResultStatus.fromWireName(status),
        envelope,
        error,
        attempts,
        leaseOwner,
        leaseExpiresAt,
        fencingToken,
        resultCreatedAt,
        updatedAt,
        completedAt,
        upstreamStatus == null ? 0 : upstreamStatus,
        retryAfterMs == null ? null : Duration.ofMillis(retryAfterMs));
  }
}
