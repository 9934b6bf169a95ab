package dev.genie.persistence.sql.internal;

import dev.genie.persistence.Claim;
import dev.genie.persistence.Fence;
import dev.genie.persistence.LeaseTerms;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A result's lease after its claim: renewed by its holder, each fenced by its token (one lease, or
 * every lease an instance holds in one statement, whose arrays carry one element per lease), and
 * taken over once it expired, where a retry finds what a lost attempt took as its own.
 */
public final class Leases {
  private static final Logger log = LoggerFactory.getLogger(Leases.class);

  private static final Comparator<Fence> BY_RESULT =
      Comparator.comparing(Fence::resultId).thenComparingLong(Fence::token);

  private final Statements statements;
  private final StatementTime time;

  public Leases(Statements statements, StatementTime time) {
    this.statements = statements;
    this.time = time;
  }

  /** As {@link dev.genie.persistence.PromptStore#renew(Fence, LeaseTerms)} says. */
  public boolean renew(Fence fence, LeaseTerms terms) {
    return statements.run(
            "renew the lease of result " + fence.resultId(),
            mapper ->
                mapper.renew(
                    fence.resultId(),
                    fence.token(),
                    time.at(terms.now()),
                    StatementTime.micros(terms.duration())))
        == 1;
  }

  /**
   * As {@link dev.genie.persistence.PromptStore#renew(java.util.Collection, LeaseTerms)} says, in
   * one statement; in result id order, the order in which a batch of completions locks its rows.
   */
  public Set<Fence> renew(Collection<Fence> fences, LeaseTerms terms) {
    if (fences.isEmpty()) {
      return Set.of();
    }
    List<Fence> sorted = fences.stream().sorted(BY_RESULT).toList();
    String[] resultIds = sorted.stream().map(Fence::resultId).toArray(String[]::new);
    Long[] tokens = sorted.stream().map(Fence::token).toArray(Long[]::new);
    List<PromptRow> rows =
        statements.run(
            "renew " + sorted.size() + " leases together",
            mapper ->
                mapper.renewBatch(
                    resultIds,
                    tokens,
                    time.at(terms.now()),
                    StatementTime.micros(terms.duration())));
    Set<Fence> renewed = new HashSet<>();
    for (PromptRow row : rows) {
      renewed.add(new Fence(row.resultId, row.fencingToken));
    }
    // The ids as the caller spelled them: PostgreSQL answers in lower case.
    Set<Fence> asAsked = new HashSet<>();
    for (Fence fence : sorted) {
      if (renewed.contains(new Fence(fence.resultId().toLowerCase(Locale.ROOT), fence.token()))) {
        asAsked.add(fence);
      }
    }
    return asAsked;
  }

  /** As {@link dev.genie.persistence.PromptStore#takeOver} says. */
  public Optional<Claim> takeOver(Fence observed, LeaseTerms terms) {
    Function<PromptMapper, PromptRow> takeOver =
        mapper ->
            mapper.takeOver(
                observed.resultId(),
                observed.token(),
                terms.owner(),
                time.at(terms.now()),
                StatementTime.micros(terms.duration()),
                terms.maxAttempts());
    return Optional.ofNullable(
            statements.run(
                "take over result " + observed.resultId(),
                statements.admit(),
                takeOver,
                mapper -> {
                  PromptRow taken = takeOver.apply(mapper);
                  if (taken != null) {
                    return taken;
                  }
                  // A lost attempt that took it has moved the token on: its lease names us.
                  PromptRow lost =
                      mapper.heldBy(terms.owner(), observed.resultId()).stream()
                          .findFirst()
                          .orElse(null);
                  if (lost != null) {
                    log.info(
                        "the answer to the takeover of result {} was lost; its lease is {}",
                        lost.resultId,
                        terms.owner());
                  }
                  return lost;
                }))
        .map(row -> Claim.granted(row.toStoredPrompt(), false));
  }

  /** As {@link dev.genie.persistence.PromptStore#takeOverExpired} says. */
  public List<Claim> takeOverExpired(LeaseTerms terms, int limit) {
    Function<PromptMapper, List<PromptRow>> sweep =
        mapper ->
            mapper.takeOverExpired(
                terms.owner(), time.at(terms.now()), StatementTime.micros(terms.duration()), limit);
    List<PromptRow> rows =
        statements.run(
            "take over expired leases",
            statements.admit(),
            sweep,
            mapper -> {
              // What a lost attempt took is ours already; the rest of the limit is taken now.
              List<PromptRow> taken = new ArrayList<>(mapper.heldBy(terms.owner(), null));
              if (!taken.isEmpty()) {
                log.info(
                    "the answer to a sweep was lost; it had taken {} results, under {}",
                    taken.size(),
                    terms.owner());
              }
              if (taken.size() < limit) {
                taken.addAll(
                    mapper.takeOverExpired(
                        terms.owner(),
                        time.at(terms.now()),
                        StatementTime.micros(terms.duration()),
                        limit - taken.size()));
              }
              return taken;
            });
    return rows.stream().map(row -> Claim.granted(row.toStoredPrompt(), false)).toList();
  }
}
