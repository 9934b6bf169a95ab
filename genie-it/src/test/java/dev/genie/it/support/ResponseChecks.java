package dev.genie.it.support;

import static dev.genie.it.support.Violations.quote;
import static dev.genie.it.support.Violations.seqs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/** The checks that need only the history: statuses, the serving store, normalization, INV-2. */
final class ResponseChecks {
  private final Map<String, String> normalizedByRaw;
  private final Set<Integer> allowedStatuses;

  ResponseChecks(Map<String, Set<String>> sent, Set<Integer> allowedStatuses) {
    this.allowedStatuses = allowedStatuses;
    Map<String, String> byRaw = new HashMap<>();
    sent.forEach(
        (normalized, raws) -> {
          for (String raw : raws) {
            String other = byRaw.put(raw, normalized);
            if (other != null && !other.equals(normalized)) {
              throw new IllegalArgumentException(
                  "raw prompt "
                      + quote(raw)
                      + " is declared under two normalized texts: "
                      + quote(other)
                      + " and "
                      + quote(normalized));
            }
          }
        });
    this.normalizedByRaw = byRaw;
  }

  /**
   * Failed requests, statuses outside the allowed set, responses from the wrong store (INV-6),
   * prompts the test did not declare, normalization other than declared, and more than one 201
   * (creation) per normalized text.
   */
  void check(List<Exchange> exchanges, String storage, Violations violations) {
    Map<String, List<Long>> unexpected = new TreeMap<>();
    Map<String, List<Long>> wrongStorage = new TreeMap<>();
    Map<String, List<Long>> undeclared = new TreeMap<>();
    Map<String, List<Long>> created = new TreeMap<>();
    for (Exchange e : exchanges) {
      if (e.outcome() != Exchange.Outcome.OK) {
        add(unexpected, e.outcome() + " " + e.failure(), e);
        continue;
      }
      if (!allowedStatuses.contains(e.httpStatus())) {
        add(
            unexpected,
            "HTTP " + e.httpStatus() + (e.errorCode() == null ? "" : " " + e.errorCode()),
            e);
      }
      if (!storage.equals(e.genieStorage())) {
        add(wrongStorage, String.valueOf(e.genieStorage()), e);
      }
      String expected = normalizedByRaw.get(e.rawPrompt());
      if (expected == null) {
        add(undeclared, quote(e.rawPrompt()), e);
        continue;
      }
      if (e.isSuccess() && !expected.equals(e.normalizedPrompt())) {
        violations.add(
            "NORM",
            "response #"
                + e.seq()
                + " normalized "
                + quote(e.rawPrompt())
                + " to "
                + quote(e.normalizedPrompt())
                + ", the test expected "
                + quote(expected));
      }
      if (e.httpStatus() == 201) {
        add(created, expected, e);
      }
    }
    unexpected.forEach(
        (what, seqs) ->
            violations.add(
                "STATUS",
                seqs.size() + " x " + what + " (allowed " + allowedStatuses + "): " + seqs(seqs)));
    wrongStorage.forEach(
        (what, seqs) ->
            violations.add(
                "INV-6",
                seqs.size()
                    + " responses with Genie-Storage "
                    + what
                    + ", expected "
                    + storage
                    + ": "
                    + seqs(seqs)));
    undeclared.forEach(
        (raw, seqs) ->
            violations.add(
                "HISTORY",
                "requests " + seqs(seqs) + " sent " + raw + ", which the test did not declare"));
    created.forEach(
        (text, seqs) -> {
          if (seqs.size() > 1) {
            violations.add(
                "INV-1",
                seqs.size()
                    + " responses say they created "
                    + quote(text)
                    + " (201): "
                    + seqs(seqs));
          }
        });
  }

  /** INV-2 among the responses: one promptId, one resultId, one envelope byte for byte. */
  void checkSameAnswer(Map<String, List<Exchange>> completed, Violations violations) {
    completed.forEach(
        (text, group) -> {
          sameValue(text, group, "promptId", Exchange::promptId, violations);
          sameValue(text, group, "resultId", Exchange::resultId, violations);
          sameValue(text, group, "envelope", e -> Sha256.fingerprint(e.envelope()), violations);
        });
  }

  /** Completed responses grouped by the normalized text the test declared for their raw prompt. */
  Map<String, List<Exchange>> completedByText(List<Exchange> exchanges) {
    Map<String, List<Exchange>> byText = new TreeMap<>();
    for (Exchange e : exchanges) {
      String text = normalizedByRaw.get(e.rawPrompt());
      if (text != null && e.isCompleted()) {
        byText.computeIfAbsent(text, k -> new ArrayList<>()).add(e);
      }
    }
    return byText;
  }

  private static void sameValue(
      String text,
      List<Exchange> group,
      String field,
      Function<Exchange, String> value,
      Violations violations) {
    Map<String, List<Long>> byValue = new LinkedHashMap<>();
    for (Exchange e : group) {
      add(byValue, String.valueOf(value.apply(e)), e);
    }
    if (byValue.size() > 1 || byValue.containsKey("null")) {
      StringBuilder detail = new StringBuilder();
      byValue.forEach(
          (v, seqs) -> detail.append("\n     ").append(v).append(": ").append(seqs(seqs)));
      violations.add(
          "INV-2",
          byValue.size()
              + " different "
              + field
              + " values across "
              + group.size()
              + " completed responses for "
              + quote(text)
              + detail);
    }
  }

  private static void add(Map<String, List<Long>> seqsByKey, String key, Exchange e) {
    seqsByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(e.seq());
  }
}
