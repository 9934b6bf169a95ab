package dev.genie.it.support;

import static dev.genie.it.support.Violations.quote;
import static dev.genie.it.support.Violations.seqs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The checks of a run against the rows of genie_prompts and genie_results. */
final class SqlChecks {
  private final StoredRows rows;
  private final Violations violations;
  private final Map<String, Map<String, String>> promptById;
  private final Map<String, Map<String, String>> resultById;
  private final Map<String, List<Map<String, String>>> promptsByText = new HashMap<>();
  private final Map<String, List<Map<String, String>>> resultsByPrompt = new HashMap<>();

  SqlChecks(StoredRows rows, Violations violations) {
    this.rows = rows;
    this.violations = violations;
    this.promptById = byId(rows.prompts());
    this.resultById = byId(rows.results());
    rows.prompts()
        .forEach(
            row ->
                promptsByText
                    .computeIfAbsent(row.get("normalized_text"), k -> new ArrayList<>())
                    .add(row));
    rows.results()
        .forEach(
            row ->
                resultsByPrompt
                    .computeIfAbsent(id(row.get("prompt_id")), k -> new ArrayList<>())
                    .add(row));
  }

  /**
   * INV-1: at most one prompt row per text sent, exactly one per text acknowledged (a request for
   * it was answered 2xx; one answered only 503 may have been stored or not), keyed by the SHA-256
   * of its profile's id (itself the SHA-256 of the stored profile), a line feed and its normalized
   * text.
   */
  void onePrompt(Set<String> texts, Set<String> acknowledged) {
    for (String text : new TreeSet<>(texts)) {
      List<Map<String, String>> found = promptsByText.getOrDefault(text, List.of());
      if (found.size() > 1 || (found.isEmpty() && acknowledged.contains(text))) {
        violations.add(
            "INV-1",
            "normalized text "
                + quote(text)
                + " has "
                + found.size()
                + " prompt rows "
                + found.stream().map(row -> row.get("id")).toList()
                + ", expected exactly 1");
      }
    }
    for (Map<String, String> prompt : rows.prompts()) {
      if (prompt.get("normalized_text") == null) {
        violations.add("INV-1", "prompt " + prompt.get("id") + " has no normalized text");
        continue;
      }
      String profileId = Sha256.hex(String.valueOf(prompt.get("profile")));
      if (!profileId.equals(prompt.get("profile_id"))) {
        violations.add(
            "INV-1",
            "prompt "
                + prompt.get("id")
                + " has profile_id "
                + prompt.get("profile_id")
                + ", expected the SHA-256 of its profile, "
                + profileId);
      }
      String expected = Sha256.hex(profileId + "\n" + prompt.get("normalized_text"));
      if (!expected.equals(prompt.get("prompt_key"))) {
        violations.add(
            "INV-1",
            "prompt "
                + prompt.get("id")
                + " has prompt_key "
                + prompt.get("prompt_key")
                + ", expected the SHA-256 of its profile id and normalized text, "
                + expected);
      }
    }
  }

  /** INV-2 against the database: the answer every completed response carried is the stored one. */
  void storedAnswer(Map<String, List<Exchange>> completedByText) {
    completedByText.forEach(
        (text, group) -> {
          List<Map<String, String>> found = promptsByText.getOrDefault(text, List.of());
          if (found.size() != 1) {
            return; // reported by onePrompt
          }
          String promptId = id(found.get(0).get("id"));
          for (Exchange e : group) {
            if (!promptId.equals(id(e.promptId()))) {
              violations.add(
                  "INV-2",
                  "response #"
                      + e.seq()
                      + " for "
                      + quote(text)
                      + " carries promptId "
                      + e.promptId()
                      + " but the database row is "
                      + promptId);
            }
          }
          List<Map<String, String>> results = resultsByPrompt.getOrDefault(promptId, List.of());
          if (results.size() != 1) {
            return; // reported by rowsConsistent
          }
          Map<String, String> result = results.get(0);
          for (Exchange e : group) {
            if (!id(result.get("id")).equals(id(e.resultId()))) {
              violations.add(
                  "INV-2",
                  "response #"
                      + e.seq()
                      + " carries resultId "
                      + e.resultId()
                      + " but the result row of prompt "
                      + promptId
                      + " is "
                      + result.get("id"));
            }
          }
          Exchange first = group.get(0);
          if (first.envelope() != null && !first.envelopeMatches(result.get("envelope"))) {
            violations.add(
                "INV-2",
                "the envelope of result "
                    + result.get("id")
                    + " in the database ("
                    + Sha256.fingerprint(result.get("envelope"))
                    + ") differs from the one in responses "
                    + seqs(group.stream().map(Exchange::seq).toList())
                    + " ("
                    + Sha256.fingerprint(first.envelope())
                    + ")");
          }
        });
  }

  /** INV-3: every id a 2xx response returned is stored, and completed means completed. */
  void nothingLost(List<Exchange> exchanges) {
    Map<String, List<Long>> missingPrompts = new TreeMap<>();
    Map<String, List<Long>> missingResults = new TreeMap<>();
    for (Exchange e : exchanges) {
      if (!e.isSuccess()) {
        continue;
      }
      if (e.promptId() == null || e.resultId() == null) {
        violations.add(
            "INV-3",
            "2xx response #"
                + e.seq()
                + " lacks promptId or resultId: "
                + e.promptId()
                + ", "
                + e.resultId());
        continue;
      }
      if (!promptById.containsKey(id(e.promptId()))) {
        missingPrompts.computeIfAbsent(e.promptId(), k -> new ArrayList<>()).add(e.seq());
      }
      Map<String, String> result = resultById.get(id(e.resultId()));
      if (result == null) {
        missingResults.computeIfAbsent(e.resultId(), k -> new ArrayList<>()).add(e.seq());
        continue;
      }
      if (!id(result.get("prompt_id")).equals(id(e.promptId()))) {
        violations.add(
            "INV-3",
            "response #"
                + e.seq()
                + " pairs result "
                + e.resultId()
                + " with prompt "
                + e.promptId()
                + ", but the row belongs to prompt "
                + result.get("prompt_id"));
      }
      if (e.isCompleted() && !"completed".equals(result.get("status"))) {
        violations.add(
            "INV-3",
            "response #"
                + e.seq()
                + " reported result "
                + e.resultId()
                + " completed, but its row is "
                + result.get("status"));
      }
    }
    missingPrompts.forEach(
        (id, seqs) ->
            violations.add(
                "INV-3",
                "promptId " + id + " from responses " + seqs(seqs) + " is not in genie_prompts"));
    missingResults.forEach(
        (id, seqs) ->
            violations.add(
                "INV-3",
                "resultId " + id + " from responses " + seqs(seqs) + " is not in genie_results"));
  }

  /** INV-5: no prompt row for a text nobody sent, and its raw text is one that was sent. */
  void nothingInvented(Map<String, Set<String>> sent) {
    for (Map<String, String> prompt : rows.prompts()) {
      String text = prompt.get("normalized_text");
      Set<String> raws = text == null ? null : sent.get(text);
      if (raws == null) {
        violations.add(
            "INV-5",
            "prompt "
                + prompt.get("id")
                + " has normalized text "
                + quote(text)
                + ", which no request sent");
      } else if (!raws.contains(prompt.get("raw_text"))) {
        violations.add(
            "INV-5",
            "prompt "
                + prompt.get("id")
                + " stores raw text "
                + quote(prompt.get("raw_text"))
                + ", which is none of the "
                + raws.size()
                + " variants sent for "
                + quote(text));
      }
    }
  }

  /** One result per prompt, none orphaned, none completed without an envelope. */
  void rowsConsistent() {
    for (Map<String, String> prompt : rows.prompts()) {
      int count = resultsByPrompt.getOrDefault(id(prompt.get("id")), List.of()).size();
      if (count != 1) {
        violations.add(
            "ROWS", "prompt " + prompt.get("id") + " has " + count + " result rows, expected 1");
      }
    }
    for (Map<String, String> result : rows.results()) {
      if (!promptById.containsKey(id(result.get("prompt_id")))) {
        violations.add(
            "ROWS",
            "result "
                + result.get("id")
                + " points at prompt "
                + result.get("prompt_id")
                + ", which does not exist");
      }
      if ("completed".equals(result.get("status")) && result.get("envelope") == null) {
        violations.add("ROWS", "result " + result.get("id") + " is completed without an envelope");
      }
    }
  }

  /** Nothing left in flight once every response said completed. */
  void nothingPending(List<Exchange> exchanges) {
    if (exchanges.isEmpty() || !exchanges.stream().allMatch(Exchange::isCompleted)) {
      return;
    }
    for (Map<String, String> result : rows.results()) {
      if ("pending".equals(result.get("status"))) {
        violations.add(
            "PENDING",
            "result "
                + result.get("id")
                + " of prompt "
                + result.get("prompt_id")
                + " is still pending although every response was completed");
      }
    }
  }

  private static Map<String, Map<String, String>> byId(List<Map<String, String>> rows) {
    Map<String, Map<String, String>> byId = new HashMap<>();
    rows.forEach(row -> byId.put(id(row.get("id")), row));
    return byId;
  }

  /** UUIDs compare case-insensitively: the API may print them in either case. */
  private static String id(String id) {
    return id == null ? "" : id.toLowerCase(Locale.ROOT);
  }
}
