package dev.genie.it.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A scrape of {@code GET /metrics} in the Prometheus text format, read into samples: enough to ask
 * for a family's value by labels, without trusting Genie's own code to read it.
 */
public final class PrometheusText {
  /** One line: {@code name{label="value",…} number}. */
  public record Sample(String name, Map<String, String> labels, double value) {
    /** Whether every given label has the given value. */
    boolean matches(Map<String, String> wanted) {
      return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    @Override
    public String toString() {
      String tags =
          labels.entrySet().stream()
              .map(e -> e.getKey() + "=\"" + e.getValue() + "\"")
              .collect(Collectors.joining(","));
      return name + (tags.isEmpty() ? "" : "{" + tags + "}") + " " + value;
    }
  }

  private final List<Sample> samples;

  private PrometheusText(List<Sample> samples) {
    this.samples = samples;
  }

  /**
   * @throws IllegalArgumentException naming the line that is not a sample
   */
  public static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        samples.add(sample(line));
      }
    }
    return new PrometheusText(samples);
  }

  public List<Sample> samples() {
    return samples;
  }

  /** The samples of the family {@code name} whose labels include {@code labels}. */
  public List<Sample> all(String name, Map<String, String> labels) {
    return samples.stream().filter(s -> s.name().equals(name) && s.matches(labels)).toList();
  }

  /** The sum over the samples of {@link #all}; 0 when there are none. */
  public double sum(String name, Map<String, String> labels) {
    return all(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  /** The value of exactly one sample. */
  public double value(String name, Map<String, String> labels) {
    List<Sample> found = all(name, labels);
    if (found.size() != 1) {
      throw new AssertionError(
          found.size()
              + " samples of "
              + name
              + " "
              + labels
              + " where one was expected: "
              + found);
    }
    return found.get(0).value();
  }

  public boolean has(String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name));
  }

  private static Sample sample(String line) {
    int brace = line.indexOf('{');
    int space = line.lastIndexOf(' ');
    if (space < 0) {
      throw new IllegalArgumentException("not a Prometheus sample: " + line);
    }
    Map<String, String> labels = new LinkedHashMap<>();
    String name;
    if (brace >= 0 && brace < space) {
      name = line.substring(0, brace);
      int end = line.lastIndexOf('}', space);
      readLabels(line.substring(brace + 1, end), labels, line);
    } else {
      name = line.substring(0, space);
    }
    return new Sample(name, labels, number(line.substring(space + 1).strip()));
  }

  /** {@code a="x",b="y \" z"}: values may hold escaped quotes, backslashes and newlines. */
  private static void readLabels(String text, Map<String, String> labels, String line) {
    int i = 0;
    while (i < text.length()) {
      int eq = text.indexOf("=\"", i);
      if (eq < 0) {
        throw new IllegalArgumentException("bad labels in: " + line);
      }
      String key = text.substring(i, eq).strip();
      StringBuilder value = new StringBuilder();
      int j = eq + 2;
      while (text.charAt(j) != '"') {
        char c = text.charAt(j);
        if (c == '\\') {
          char next = text.charAt(++j);
          value.append(next == 'n' ? '\n' : next);
        } else {
          value.append(c);
        }
        j++;
      }
      labels.put(key, value.toString());
      i = j + 1;
      if (i < text.length() && text.charAt(i) == ',') {
        i++;
      }
    }
  }

  private static double number(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(text);
    };
  }
}
