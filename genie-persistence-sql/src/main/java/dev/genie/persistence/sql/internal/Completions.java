package dev.genie.persistence.sql.internal;

import dev.genie.persistence.Fence;
import dev.genie.persistence.Result;
import dev.genie.persistence.ResultWatchers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * Completions of results: each alone, or, while half the pool is busy with theirs, together in the
 * next statement ({@link GroupCommit}), each fenced by its own token. Whoever waits in this process
 * is woken at once; other instances hear of it through NOTIFY.
 */
public final class Completions {
  private final Statements statements;
  private final StatementTime time;
  private final ResultWatchers watchers;

  /** Null when completions each go alone. */
  private final GroupCommit<Request, Optional<Result>> batches;

  private record Request(Fence fence, String envelopeJson, Instant now, Deadline deadline) {}

  /**
   * @param maxBatch the most completions in one statement; 1 for each alone
   * @param batchesInFlight the most batches in flight at once
   * @param sizes told the size of every batch
   */
  public Completions(
      Statements statements,
      StatementTime time,
      ResultWatchers watchers,
      int maxBatch,
      int batchesInFlight,
      IntConsumer sizes) {
    this.statements = statements;
    this.time = time;
    this.watchers = watchers;
    this.batches =
        maxBatch > 1
            ? new GroupCommit<>(
                maxBatch,
                batchesInFlight,
                this::completeTogether,
                sizes,
                Request::deadline,
                request ->
                    GroupCommit.queuedTooLong(
                        "complete result " + request.fence().resultId(),
                        "completions",
                        request.deadline()))
            : null;
  }

  /** As {@link dev.genie.persistence.PromptStore#complete} says. */
  public Optional<Result> complete(Fence fence, String envelopeJson, Instant now) {
    Deadline deadline = statements.admit();
    return batches != null && !statements.outageSuspected()
        ? batches.submit(new Request(fence, envelopeJson, now, deadline))
        : completeAlone(fence, envelopeJson, now, deadline);
  }

  private Optional<Result> completeAlone(
      Fence fence, String envelopeJson, Instant now, Deadline deadline) {
    PromptRow row =
        statements.run(
            "complete result " + fence.resultId(),
            deadline,
            mapper -> mapper.complete(fence.resultId(), fence.token(), envelopeJson, time.at(now)));
    return announced(withEnvelope(row, envelopeJson));
  }

  /**
   * A completed row with the envelope its completion stored: the statement does not send back what
   * it was just sent.
   */
  private static PromptRow withEnvelope(PromptRow completed, String envelopeJson) {
    if (completed != null) {
      completed.envelope = envelopeJson;
    }
    return completed;
  }

  /**
   * Completes a batch's results in one statement, each fenced by its own token; it waits for its
   * connection no longer than its oldest request may. A second completion of a result already in
   * the batch runs alone after it, as it would have had it come after: it finds the result
   * completed, unless the first one's token was stale.
   */
  private void completeTogether(List<GroupCommit.Entry<Request, Optional<Result>>> batch) {
    if (batch.size() == 1) {
      Request alone = batch.get(0).request();
      batch
          .get(0)
          .settle(
              () ->
                  completeAlone(
                      alone.fence(), alone.envelopeJson(), alone.now(), alone.deadline()));
      return;
    }
    Map<String, GroupCommit.Entry<Request, Optional<Result>>> firsts = new TreeMap<>();
    List<GroupCommit.Entry<Request, Optional<Result>>> again = new ArrayList<>();
    for (GroupCommit.Entry<Request, Optional<Result>> entry : batch) {
      if (firsts.putIfAbsent(entry.request().fence().resultId(), entry) != null) {
        again.add(entry);
      }
    }
    int n = firsts.size();
    String[] resultIds = new String[n];
    Long[] tokens = new Long[n];
    String[] envelopes = new String[n];
    String[] ats = new String[n];
    int i = 0;
    for (GroupCommit.Entry<Request, Optional<Result>> entry : firsts.values()) {
      Request completion = entry.request();
      resultIds[i] = completion.fence().resultId();
      tokens[i] = completion.fence().token();
      envelopes[i] = completion.envelopeJson();
      ats[i] = time.atText(completion.now());
      i++;
    }
    List<PromptRow> rows =
        statements.run(
            "complete " + n + " results together",
            batch.get(0).request().deadline(),
            mapper -> mapper.completeBatch(resultIds, tokens, envelopes, ats));
    Map<String, PromptRow> byResult = new HashMap<>();
    for (PromptRow row : rows) {
      byResult.put(row.resultId, row);
    }
    for (GroupCommit.Entry<Request, Optional<Result>> entry : firsts.values()) {
      Request completion = entry.request();
      entry.succeed(
          announced(
              withEnvelope(
                  byResult.get(completion.fence().resultId()), completion.envelopeJson())));
    }
    for (GroupCommit.Entry<Request, Optional<Result>> entry : again) {
      Request completion = entry.request();
      entry.settle(
          () ->
              completeAlone(
                  completion.fence(),
                  completion.envelopeJson(),
                  completion.now(),
                  completion.deadline()));
    }
  }

  /** Wakes this process's waiters at once; other instances hear it through NOTIFY. */
  public Optional<Result> announced(PromptRow row) {
    if (row == null) {
      return Optional.empty();
    }
    watchers.signal(row.resultId);
    return Optional.of(row.toResult());
  }
}
