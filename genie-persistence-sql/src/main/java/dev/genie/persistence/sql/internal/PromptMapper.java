package dev.genie.persistence.sql.internal;

import java.time.Instant;
import java.util.List;
import org.apache.ibatis.annotations.Param;

/**
 * Genie's statements; the SQL is in PromptMapper.xml beside this interface. A null {@code now}
 * stands for the database's clock.
 */
public interface PromptMapper {

  /** Creates prompt and result in one statement, or reads the existing pair; may see neither. */
  PromptRow claim(
      @Param("key") String key,
      @Param("normalizedText") String normalizedText,
      @Param("rawText") String rawText,
      @Param("normalizerVersion") int normalizerVersion,
      @Param("profileId") String profileId,
      @Param("profile") String profile,
      @Param("namespace") String namespace,
      @Param("owner") String owner,
      @Param("now") Instant now,
      @Param("leaseMicros") long leaseMicros);

  PromptRow findByKey(@Param("key") String key);

  /**
   * {@link #claim} for many prompts in one statement: one row for each key that it inserted or
   * found, {@code created} telling which. The arrays run in parallel, one element per prompt, keys
   * distinct; a null {@code ats} element stands for the database's clock. A key inserted by a
   * transaction that committed after this statement's snapshot has no row: read it with {@link
   * #findByKeys}.
   */
  List<PromptRow> claimBatch(
      @Param("keys") String[] keys,
      @Param("normalizedTexts") String[] normalizedTexts,
      @Param("rawTexts") String[] rawTexts,
      @Param("normalizerVersions") Integer[] normalizerVersions,
      @Param("profileIds") String[] profileIds,
      @Param("profiles") String[] profiles,
      @Param("namespaces") String[] namespaces,
      @Param("owners") String[] owners,
      @Param("ats") String[] ats,
      @Param("leaseMicros") Long[] leaseMicros);

  List<PromptRow> findByKeys(@Param("keys") String[] keys);

  PromptRow takeOver(
      @Param("resultId") String resultId,
      @Param("token") long token,
      @Param("owner") String owner,
      @Param("now") Instant now,
      @Param("leaseMicros") long leaseMicros,
      @Param("maxAttempts") int maxAttempts);

  /**
   * The pending results whose lease {@code owner} holds: only {@code resultId}'s when it is not
   * null. An owner names one grant, so these are what a lost attempt of that grant took.
   */
  List<PromptRow> heldBy(@Param("owner") String owner, @Param("resultId") String resultId);

  List<PromptRow> takeOverExpired(
      @Param("owner") String owner,
      @Param("now") Instant now,
      @Param("leaseMicros") long leaseMicros,
      @Param("limit") int limit);

  int renew(
      @Param("resultId") String resultId,
      @Param("token") long token,
      @Param("now") Instant now,
      @Param("leaseMicros") long leaseMicros);

  /** Renews the leases of the results whose token is current; returns those renewed. */
  List<PromptRow> renewBatch(
      @Param("resultIds") String[] resultIds,
      @Param("tokens") Long[] tokens,
      @Param("now") Instant now,
      @Param("leaseMicros") long leaseMicros);

  PromptRow complete(
      @Param("resultId") String resultId,
      @Param("token") long token,
      @Param("envelope") String envelope,
      @Param("now") Instant now);

  /**
   * {@link #complete} for many results in one statement, each fenced by its own token: a row for
   * each result completed, none for a stale token. Result ids distinct; a null {@code ats} element
   * stands for the database's clock.
   */
  List<PromptRow> completeBatch(
      @Param("resultIds") String[] resultIds,
      @Param("tokens") Long[] tokens,
      @Param("envelopes") String[] envelopes,
      @Param("ats") String[] ats);

  /** A null {@code upstreamStatus} or {@code retryAfterMs} stands for none. */
  PromptRow fail(
      @Param("resultId") String resultId,
      @Param("token") long token,
      @Param("error") String error,
      @Param("upstreamStatus") Integer upstreamStatus,
      @Param("retryAfterMs") Long retryAfterMs,
      @Param("now") Instant now);

  PromptRow release(
      @Param("resultId") String resultId, @Param("token") long token, @Param("now") Instant now);

  PromptRow find(@Param("promptId") String promptId);

  /** Newest first; every namespace's when {@code namespace} is null. */
  List<PromptRow> list(
      @Param("namespace") String namespace,
      @Param("limit") int limit,
      @Param("afterCreatedAt") Instant afterCreatedAt,
      @Param("afterId") String afterId);

  int watch(@Param("resultId") String resultId);
}
