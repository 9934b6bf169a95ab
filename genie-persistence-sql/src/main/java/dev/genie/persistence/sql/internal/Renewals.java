package dev.genie.persistence.sql.internal;

import dev.genie.persistence.Fence;
import dev.genie.persistence.LeaseTerms;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Renewals of leases, each fenced by its token: one lease, or every lease an instance holds in one
 * statement, whose arrays carry one element per lease.
 */
public final class Renewals {
  private static final Comparator<Fence> BY_RESULT =
      Comparator.comparing(Fence::resultId).thenComparingLong(Fence::token);

  private final Statements statements;
  private final StatementTime time;

  public Renewals(Statements statements, StatementTime time) {
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
}
