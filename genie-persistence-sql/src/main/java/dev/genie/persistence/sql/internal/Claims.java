package dev.genie.persistence.sql.internal;

import dev.genie.persistence.Claim;
import dev.genie.persistence.LeaseTerms;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.PromptKeyCollisionException;
import dev.genie.persistence.StoredPrompt;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims of prompts: each alone, or, while half the pool is busy with theirs, together in the next
 * statement ({@link GroupCommit}), whose arrays carry one element per prompt. A claim of a prompt
 * this instance has seen completed is answered from memory: completed is final.
 */
public final class Claims {
  private static final Logger log = LoggerFactory.getLogger(Claims.class);

  private final Statements statements;
  private final StatementTime time;
  private final CompletedPrompts completed;

  /** Null when claims each go alone. */
  private final GroupCommit<Request, Claim> batches;

  private record Request(NewPrompt prompt, LeaseTerms terms, Deadline deadline) {}

  /**
   * @param maxBatch the most claims in one statement; 1 for each alone
   * @param batchesInFlight the most batches in flight at once
   * @param sizes told the size of every batch
   */
  public Claims(
      Statements statements,
      StatementTime time,
      CompletedPrompts completed,
      int maxBatch,
      int batchesInFlight,
      IntConsumer sizes) {
    this.statements = statements;
    this.time = time;
    this.completed = completed;
    this.batches =
        maxBatch > 1
            ? new GroupCommit<>(
                maxBatch,
                batchesInFlight,
                this::claimTogether,
                sizes,
                Request::deadline,
                request ->
                    GroupCommit.queuedTooLong(
                        "claim prompt " + request.prompt().key(), "claims", request.deadline()))
            : null;
  }

  /** Whether a stored prompt is this one, not another whose key collides with it. */
  static boolean sameText(StoredPrompt stored, NewPrompt prompt) {
    return stored.prompt().normalizedText().equals(prompt.normalizedText())
        && stored.prompt().profileId().equals(prompt.profileId())
        && stored.prompt().namespace().equals(prompt.namespace());
  }

  /** As {@link dev.genie.persistence.PromptStore#claim} says. */
  public Claim claim(NewPrompt prompt, LeaseTerms terms) {
    Optional<StoredPrompt> known = completed.get(prompt.key());
    if (known.isPresent() && sameText(known.get(), prompt)) {
      return Claim.existing(known.get()); // final: the database would answer the same
    }
    Deadline deadline = statements.admit();
    return batches != null && !statements.outageSuspected()
        ? batches.submit(new Request(prompt, terms, deadline))
        : claimAlone(prompt, terms, deadline);
  }

  private Claim claimAlone(NewPrompt prompt, LeaseTerms terms, Deadline deadline) {
    Function<PromptMapper, PromptRow> claim =
        mapper -> {
          PromptRow claimed =
              mapper.claim(
                  prompt.key(),
                  prompt.normalizedText(),
                  prompt.rawText(),
                  prompt.normalizerVersion(),
                  prompt.profileId(),
                  prompt.profile(),
                  prompt.namespace(),
                  terms.owner(),
                  time.at(terms.now()),
                  StatementTime.micros(terms.duration()));
          return claimed != null ? claimed : mapper.findByKey(prompt.key());
        };
    PromptRow row =
        statements.run(
            "claim prompt " + prompt.key(),
            deadline,
            claim,
            mapper -> createdByLostAttempt(claim.apply(mapper), terms.owner()));
    return claimFrom(row, prompt, true);
  }

  /**
   * {@code row} marked created when a lost attempt of this claim created it: it is pending under a
   * lease granted to {@code owner}, which names this claim alone ({@link LeaseTerms#owner()}).
   */
  private static PromptRow createdByLostAttempt(PromptRow row, String owner) {
    if (row != null && !row.created && heldBy(row, owner)) {
      log.info(
          "the answer to the claim of prompt {} was lost; its lease is {}", row.promptId, owner);
      row.created = true;
    }
    return row;
  }

  private static boolean heldBy(PromptRow row, String owner) {
    return "pending".equals(row.status) && owner.equals(row.leaseOwner);
  }

  /**
   * Claims a batch's prompts in one statement, which waits for its connection no longer than its
   * oldest request may. The first request for a key is answered as if it had come alone; a later
   * request for the same key as if it had come right after: it finds the prompt the first one
   * created (or found), without a lease.
   */
  private void claimTogether(List<GroupCommit.Entry<Request, Claim>> batch) {
    if (batch.size() == 1) {
      Request alone = batch.get(0).request();
      batch.get(0).settle(() -> claimAlone(alone.prompt(), alone.terms(), alone.deadline()));
      return;
    }
    Map<String, Request> firsts = new TreeMap<>(); // key order: see claimBatch
    for (GroupCommit.Entry<Request, Claim> entry : batch) {
      firsts.putIfAbsent(entry.request().prompt().key(), entry.request());
    }
    List<Request> requests = List.copyOf(firsts.values());
    Map<String, PromptRow> rows =
        statements.run(
            "claim " + firsts.size() + " prompts together",
            batch.get(0).request().deadline(),
            mapper -> claimBatch(mapper, requests),
            mapper -> {
              Map<String, PromptRow> found = claimBatch(mapper, requests);
              found.replaceAll(
                  (key, row) -> createdByLostAttempt(row, firsts.get(key).terms().owner()));
              return found;
            });
    for (GroupCommit.Entry<Request, Claim> entry : batch) {
      NewPrompt prompt = entry.request().prompt();
      boolean first = firsts.get(prompt.key()) == entry.request();
      entry.settle(() -> claimFrom(rows.get(prompt.key()), prompt, first));
    }
  }

  private Map<String, PromptRow> claimBatch(PromptMapper mapper, List<Request> requests) {
    int n = requests.size();
    String[] keys = new String[n];
    String[] normalizedTexts = new String[n];
    String[] rawTexts = new String[n];
    Integer[] normalizerVersions = new Integer[n];
    String[] profileIds = new String[n];
    String[] profiles = new String[n];
    String[] namespaces = new String[n];
    String[] owners = new String[n];
    String[] ats = new String[n];
    Long[] leaseMicros = new Long[n];
    for (int i = 0; i < n; i++) {
      NewPrompt prompt = requests.get(i).prompt();
      LeaseTerms terms = requests.get(i).terms();
      keys[i] = prompt.key();
      normalizedTexts[i] = prompt.normalizedText();
      rawTexts[i] = prompt.rawText();
      normalizerVersions[i] = prompt.normalizerVersion();
      profileIds[i] = prompt.profileId();
      profiles[i] = prompt.profile();
      namespaces[i] = prompt.namespace();
      owners[i] = terms.owner();
      ats[i] = time.atText(terms.now());
      leaseMicros[i] = StatementTime.micros(terms.duration());
    }
    Map<String, PromptRow> rows = new HashMap<>();
    for (PromptRow row :
        mapper.claimBatch(
            keys,
            normalizedTexts,
            rawTexts,
            normalizerVersions,
            profileIds,
            profiles,
            namespaces,
            owners,
            ats,
            leaseMicros)) {
      rows.put(row.promptKey, row);
    }
    if (rows.size() < n) {
      // Inserted by transactions that committed after the statement's snapshot: a new one sees
      // them.
      String[] missing =
          Arrays.stream(keys).filter(key -> !rows.containsKey(key)).toArray(String[]::new);
      for (PromptRow row : mapper.findByKeys(missing)) {
        rows.put(row.promptKey, row);
      }
    }
    return rows;
  }

  /** The claim {@code row} answers for {@code prompt}; only a first request can have created it. */
  private Claim claimFrom(PromptRow row, NewPrompt prompt, boolean first) {
    if (row == null) {
      throw new IllegalStateException(
          "prompt " + prompt.key() + " was neither inserted nor found; this is a bug");
    }
    StoredPrompt state = row.toStoredPrompt();
    if (!sameText(state, prompt)) {
      throw new PromptKeyCollisionException(prompt.key());
    }
    if (row.created && first) {
      return Claim.granted(state, true);
    }
    completed.remember(state);
    return Claim.existing(state);
  }
}
