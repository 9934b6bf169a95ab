package dev.genie.it.support;

import java.util.Map;
import java.util.TreeMap;

/**
 * How many rows the store holds, for the run's summary.
 *
 * @param prompts rows in genie_prompts
 * @param results rows in genie_results
 * @param resultsByStatus result rows per status
 */
public record RowCounts(int prompts, int results, Map<String, Integer> resultsByStatus) {
  public RowCounts {
    resultsByStatus = Map.copyOf(resultsByStatus);
  }

  @Override
  public String toString() {
    return "rows: "
        + prompts
        + " prompts, "
        + results
        + " results "
        + new TreeMap<>(resultsByStatus);
  }
}
