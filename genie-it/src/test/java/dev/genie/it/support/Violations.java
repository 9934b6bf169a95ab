package dev.genie.it.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The broken invariants found by one check, reported together in one assertion error. */
final class Violations {
  private static final int MAX_SHOWN = 100;
  private static final int MAX_QUOTED = 80;
  private static final int MAX_IDS = 10;
  // Escaped so that invisible and look-alike characters show in messages.
  private static final ObjectWriter QUOTE =
      new ObjectMapper().writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);

  private final List<String> lines = new ArrayList<>();

  void add(String invariant, String message) {
    lines.add(invariant + ": " + message);
  }

  List<String> list() {
    return List.copyOf(lines);
  }

  void assertNone(String context) {
    if (lines.isEmpty()) {
      return;
    }
    StringBuilder message =
        new StringBuilder()
            .append(lines.size())
            .append(" invariant violations (")
            .append(context)
            .append("):");
    lines.stream().limit(MAX_SHOWN).forEach(line -> message.append("\n - ").append(line));
    if (lines.size() > MAX_SHOWN) {
      message.append("\n … and ").append(lines.size() - MAX_SHOWN).append(" more");
    }
    throw new AssertionError(message.toString());
  }

  /** A string as a JSON literal with non-ASCII escaped, cut to a readable length. */
  static String quote(String text) {
    if (text == null) {
      return "null";
    }
    String quoted;
    try {
      quoted = QUOTE.writeValueAsString(text);
    } catch (JsonProcessingException e) {
      quoted = '"' + text + '"';
    }
    return quoted.length() <= MAX_QUOTED ? quoted : quoted.substring(0, MAX_QUOTED - 1) + "…\"";
  }

  /** Request sequence numbers as {@code #3 #7 …} with the total when there are many. */
  static String seqs(Collection<Long> seqs) {
    StringBuilder out = new StringBuilder();
    seqs.stream()
        .sorted()
        .limit(MAX_IDS)
        .forEach(seq -> out.append(out.length() == 0 ? "#" : " #").append(seq));
    if (seqs.size() > MAX_IDS) {
      out.append(" … (").append(seqs.size()).append(" requests)");
    }
    return out.toString();
  }
}
