package dev.genie.it.support;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The prompts a run's clients were told are stored (a 2xx with a promptId), and which of them a
 * store holds afterwards: INV-3 after faults.
 *
 * @param acknowledged prompt ids of 2xx responses
 * @param missing those the store does not hold
 */
public record Acknowledged(Set<String> acknowledged, Set<String> missing) {

  /** Checks the history's acknowledged prompts against rows read through plain JDBC. */
  public static Acknowledged in(History history, StoredRows rows) {
    Set<String> stored =
        rows.prompts().stream().map(row -> row.get("id")).collect(Collectors.toSet());
    return check(history.exchanges(), stored);
  }

  /** Checks the acknowledged prompts against the ids a store reports it holds. */
  public static Acknowledged check(List<Exchange> exchanges, Set<String> stored) {
    Set<String> acknowledged =
        exchanges.stream()
            .filter(Exchange::isSuccess)
            .map(Exchange::promptId)
            .collect(Collectors.toCollection(LinkedHashSet::new));
    Set<String> missing = new TreeSet<>(acknowledged);
    missing.removeAll(stored);
    return new Acknowledged(acknowledged, missing);
  }

  /** Prompt ids of the results the store holds as completed. */
  public static Set<String> completed(StoredRows rows) {
    return rows.results().stream()
        .filter(row -> "completed".equals(row.get("status")))
        .map(row -> row.get("prompt_id"))
        .collect(Collectors.toSet());
  }

  public int found() {
    return acknowledged.size() - missing.size();
  }

  @Override
  public String toString() {
    return "acknowledged "
        + acknowledged.size()
        + ", found "
        + found()
        + (missing.isEmpty() ? "" : ", missing " + missing);
  }
}
