package dev.genie.it.support;

import static dev.genie.it.support.Violations.seqs;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks a recorded run against INV-1, INV-2, INV-3, INV-5 and INV-6, reading the store through
 * plain JDBC and never through Genie's code, and reports every violation in one AssertionError. The
 * database must belong to the scenario ({@link PostgresServer#freshDatabase()}): any prompt row
 * that the history did not send is a violation.
 *
 * <p>Besides those, it requires every request to have an allowed status (200 and 201 unless {@link
 * #allowStatuses} adds more), one result row per prompt row, and no pending result once every
 * response was completed. A text whose requests were all refused (a 503) need not be stored.
 */
public final class InvariantChecker {
  private static final Set<Integer> USUAL_STATUSES = Set.of(200, 201);

  private final History history;
  private final Map<String, Set<String>> sent;
  private final Set<Integer> allowedStatuses;
  private final ResponseChecks responses;

  /**
   * @param history the requests of the scenario
   * @param sent each normalized text the test sent, with the raw variants it sent for it
   */
  public InvariantChecker(History history, Map<String, Set<String>> sent) {
    this(history, sent, USUAL_STATUSES);
  }

  private InvariantChecker(
      History history, Map<String, Set<String>> sent, Set<Integer> allowedStatuses) {
    this.history = history;
    this.sent = Map.copyOf(sent);
    this.allowedStatuses = Set.copyOf(allowedStatuses);
    this.responses = new ResponseChecks(this.sent, new TreeSet<>(allowedStatuses));
  }

  /** A checker that also accepts these HTTP statuses, e.g. 202 for a wait that ended pending. */
  public InvariantChecker allowStatuses(int... statuses) {
    Set<Integer> allowed = new TreeSet<>(allowedStatuses);
    for (int status : statuses) {
      allowed.add(status);
    }
    return new InvariantChecker(history, sent, allowed);
  }

  /** Checks a run on the SQL store; throws one AssertionError that lists every violation. */
  public void checkSql(Connection connection) throws SQLException {
    StoredRows rows = StoredRows.read(connection);
    sql(rows).assertNone(history.summary() + "; " + rows.counts());
  }

  /** The violations of a run on the SQL store, one line each; empty when all hold. */
  public List<String> sqlViolations(Connection connection) throws SQLException {
    return sql(StoredRows.read(connection)).list();
  }

  /**
   * Checks a run on the legacy store, which has no database to read: INV-2 from the history and the
   * envelope of each prompt id as the test read it back through {@code GET /prompts/{id}}. A
   * promptId of a 2xx response that is missing from the map counts as lost (INV-3).
   */
  public void checkLegacy(Map<String, String> storedEnvelopeByPromptId) {
    legacy(storedEnvelopeByPromptId).assertNone(history.summary());
  }

  /** The violations of a run on the legacy store, one line each; empty when all hold. */
  public List<String> legacyViolations(Map<String, String> storedEnvelopeByPromptId) {
    return legacy(storedEnvelopeByPromptId).list();
  }

  /** Row counts for the run's summary. */
  public RowCounts rowCounts(Connection connection) throws SQLException {
    return StoredRows.read(connection).counts();
  }

  /** Writes every prompt and result row as JSON, for the failure artifacts. */
  public void dumpRows(Connection connection, Path file) throws SQLException, IOException {
    StoredRows.read(connection).writeJson(file);
  }

  private Violations sql(StoredRows rows) {
    Violations violations = new Violations();
    List<Exchange> exchanges = history.exchanges();
    Map<String, List<Exchange>> completed = responses.completedByText(exchanges);
    responses.check(exchanges, "sql", violations);
    responses.checkSameAnswer(completed, violations);
    SqlChecks checks = new SqlChecks(rows, violations);
    checks.onePrompt(sent.keySet(), acknowledgedTexts(exchanges));
    checks.storedAnswer(completed);
    checks.nothingLost(exchanges);
    checks.nothingInvented(sent);
    checks.rowsConsistent();
    checks.nothingPending(exchanges);
    return violations;
  }

  /** The normalized texts that a request was answered 2xx for. */
  private Set<String> acknowledgedTexts(List<Exchange> exchanges) {
    Set<String> raws = new HashSet<>();
    exchanges.stream().filter(Exchange::isSuccess).forEach(e -> raws.add(e.rawPrompt()));
    Set<String> texts = new HashSet<>();
    sent.forEach(
        (text, variants) -> {
          if (variants.stream().anyMatch(raws::contains)) {
            texts.add(text);
          }
        });
    return texts;
  }

  private Violations legacy(Map<String, String> storedEnvelopeByPromptId) {
    Violations violations = new Violations();
    List<Exchange> exchanges = history.exchanges();
    Map<String, List<Exchange>> completed = responses.completedByText(exchanges);
    responses.check(exchanges, "legacy", violations);
    responses.checkSameAnswer(completed, violations);
    completed.forEach(
        (text, group) -> {
          Exchange first = group.get(0);
          String stored =
              first.promptId() == null ? null : storedEnvelopeByPromptId.get(first.promptId());
          if (stored != null && first.envelope() != null && !first.envelopeMatches(stored)) {
            violations.add(
                "INV-2",
                "the envelope read back for prompt "
                    + first.promptId()
                    + " ("
                    + Sha256.fingerprint(stored)
                    + ") differs from the one in responses "
                    + seqs(group.stream().map(Exchange::seq).toList())
                    + " ("
                    + Sha256.fingerprint(first.envelope())
                    + ")");
          }
        });
    Map<String, List<Long>> missing = new TreeMap<>();
    for (Exchange e : exchanges) {
      if (e.isSuccess()
          && (e.promptId() == null || !storedEnvelopeByPromptId.containsKey(e.promptId()))) {
        missing.computeIfAbsent(String.valueOf(e.promptId()), k -> new ArrayList<>()).add(e.seq());
      }
    }
    missing.forEach(
        (id, seqs) ->
            violations.add(
                "INV-3",
                "promptId " + id + " from responses " + seqs(seqs) + " was not read back"));
    return violations;
  }
}
